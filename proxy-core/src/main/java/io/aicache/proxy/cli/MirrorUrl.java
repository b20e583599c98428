package io.aicache.proxy.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Where clients reach aicache: {@code http://} or {@code https://}, a host, an optional port, nothing
 * else (no path, query, fragment or user). Clients append {@code /v2/...} themselves.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   a host name or address ({@code [..]} around an IPv6 address)
 * @param port   the port, or -1 for the scheme's default
 */
record MirrorUrl(String scheme, String host, int port) {

    private static final String EXAMPLE = "for example http://aicache.internal:5000";

    /** Parses and checks {@code text}; the message of the exception says what is wrong with it. */
    static MirrorUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw invalid(text, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.isOpaque()) {
            throw invalid(text, "it must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw invalid(text, "it names no valid host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(text, "it must not carry a user name or password");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw invalid(text, "it must not have a path (clients append /v2/ themselves), got " + uri.getRawPath());
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(text, "it must not have a query or fragment");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw invalid(text, "the port must be between 1 and 65535");
        }
        return new MirrorUrl(scheme, uri.getHost().toLowerCase(java.util.Locale.ROOT), uri.getPort());
    }

    /** {@code scheme://host[:port]} */
    String url() {
        return scheme + "://" + hostPort();
    }

    /** {@code host[:port]}, the registry part of an image reference. */
    String hostPort() {
        return port < 0 ? host : host + ":" + port;
    }

    boolean plainHttp() {
        return scheme.equals("http");
    }

    /** A {@code --ca} goes with an {@code https://} mirror only; refused as a usage error otherwise. */
    void checkCa(Path ca, CommandSpec spec) {
        if (ca != null && plainHttp()) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--ca': '" + ca
                    + "': a CA certificate is for an https:// mirror, and --mirror is " + url());
        }
    }

    private static TypeConversionException invalid(String text, String why) {
        return new TypeConversionException("'" + text + "' is not a mirror URL: " + why + " (" + EXAMPLE + ")");
    }

    /** Lets picocli report a bad {@code --mirror} as a usage error (exit code 2) naming the option. */
    static final class Converter implements ITypeConverter<MirrorUrl> {
        @Override
        public MirrorUrl convert(String value) {
            return parse(value);
        }
    }
}
