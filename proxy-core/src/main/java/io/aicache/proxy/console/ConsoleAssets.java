package io.aicache.proxy.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web console's files, read once from the classpath (they are built into the jar) and served
 * from memory. Only the files named here exist: a request names one of them or nothing, so no path
 * can reach anything else. Every file but the page is served under a version, a hash of them all,
 * so a browser may keep them for good and still never mixes two versions.
 */
final class ConsoleAssets {

    static final String RESOURCES = "io/aicache/proxy/console/";
    static final String PAGE = "index.html";
    /** The files the page loads; each is in {@link #RESOURCES}. */
    static final List<String> FILES = List.of("console.css", "console.js", "api.js", "format.js", "charts.js",
            "overview.js", "fills.js", "images.js", "favicon.svg");
    /** Where the page names the version in its links to the files. */
    private static final String VERSION_MARK = "{{version}}";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml");

    /** A file's bytes and the {@code Content-Type} it is served with. */
    record Asset(String contentType, byte[] bytes) {
    }

    private final String version;
    private final Asset page;
    private final Map<String, Asset> files;

    private ConsoleAssets(String version, Asset page, Map<String, Asset> files) {
        this.version = version;
        this.page = page;
        this.files = files;
    }

    /** Reads every file; fails when one is missing from the jar (a broken build, not a request's fault). */
    static ConsoleAssets load() {
        Map<String, Asset> files = new LinkedHashMap<>();
        MessageDigest hash = sha256();
        for (String name : FILES) {
            byte[] bytes = read(name);
            hash.update(name.getBytes(StandardCharsets.UTF_8));
            hash.update(bytes);
            files.put(name, new Asset(typeOf(name), bytes));
        }
        String version = HexFormat.of().formatHex(hash.digest()).substring(0, 16);
        String page = new String(read(PAGE), StandardCharsets.UTF_8).replace(VERSION_MARK, version);
        return new ConsoleAssets(version, new Asset(typeOf(PAGE), page.getBytes(StandardCharsets.UTF_8)), Map.copyOf(files));
    }

    /** The hash of every file the page loads, which names their version in their paths. */
    String version() {
        return version;
    }

    /** The page, linking to the files under {@link #version()}. */
    Asset page() {
        return page;
    }

    /** The file named {@code name}, when it is one of the console's. */
    Optional<Asset> file(String name) {
        return Optional.ofNullable(files.get(name));
    }

    private static String typeOf(String name) {
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null) {
            throw new IllegalStateException("the web console has no content type for " + name);
        }
        return type;
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the web console's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web console's " + name, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
