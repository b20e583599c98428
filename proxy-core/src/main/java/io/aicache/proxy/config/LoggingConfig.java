package io.aicache.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Logs.
 *
 * @param level     application log level (error, warn, info, debug, trace)
 * @param format    application logs as text lines or one JSON object per line
 * @param accessLog one JSON line per request: {@code stdout}, {@code off}, or a file path
 * @param auditLog  one JSON line per access decision: {@code stdout}, {@code off}, a file path, or
 *                  {@code syslog://host[:port]} (UDP, facility auth)
 */
public record LoggingConfig(String level, Format format, String accessLog, String auditLog) {

    public enum Format {
        @JsonProperty("text") TEXT,
        @JsonProperty("json") JSON
    }

    /** Where a log of JSON lines goes. */
    public sealed interface Destination {
        record Off() implements Destination {
        }

        record Stdout() implements Destination {
        }

        record File(String path) implements Destination {
        }

        record Syslog(String host, int port) implements Destination {
        }
    }

    private static final int SYSLOG_PORT = 514;

    public LoggingConfig {
        if (level == null || !level.matches("(?i)error|warn|info|debug|trace")) {
            throw new IllegalArgumentException("level must be error, warn, info, debug or trace, got '" + level + "'");
        }
        if (format == null) {
            throw new IllegalArgumentException("format must be text or json");
        }
        if (accessLog == null || accessLog.isBlank() || accessLog.startsWith("syslog:")) {
            throw new IllegalArgumentException("accessLog must be stdout, off or a file path");
        }
        destinationOf("auditLog", auditLog);
    }

    public Destination accessLogDestination() {
        return destinationOf("accessLog", accessLog);
    }

    public Destination auditLogDestination() {
        return destinationOf("auditLog", auditLog);
    }

    private static Destination destinationOf(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must be stdout, off, a file path or syslog://host[:port]");
        }
        if (value.equals("off")) {
            return new Destination.Off();
        }
        if (value.equals("stdout")) {
            return new Destination.Stdout();
        }
        if (!value.startsWith("syslog:")) {
            return new Destination.File(value);
        }
        try {
            URI uri = new URI(value);
            if (uri.getHost() == null || uri.getPath() != null && !uri.getPath().isEmpty() || uri.getQuery() != null) {
                throw new URISyntaxException(value, "not syslog://host[:port]");
            }
            return new Destination.Syslog(uri.getHost(), uri.getPort() < 0 ? SYSLOG_PORT : uri.getPort());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not of the form syslog://host[:port]");
        }
    }
}
