package io.aicache.proxy.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Logs.
 *
 * @param level     application log level (error, warn, info, debug, trace)
 * @param format    application logs as text lines or one JSON object per line
 * @param accessLog one JSON line per request: {@code stdout}, {@code off}, or a file path
 */
public record LoggingConfig(String level, Format format, String accessLog) {

    public enum Format {
        @JsonProperty("text") TEXT,
        @JsonProperty("json") JSON
    }

    public LoggingConfig {
        if (level == null || !level.matches("(?i)error|warn|info|debug|trace")) {
            throw new IllegalArgumentException("level must be error, warn, info, debug or trace, got '" + level + "'");
        }
        if (format == null) {
            throw new IllegalArgumentException("format must be text or json");
        }
        if (accessLog == null || accessLog.isBlank()) {
            throw new IllegalArgumentException("accessLog must be stdout, off or a file path");
        }
    }
}
