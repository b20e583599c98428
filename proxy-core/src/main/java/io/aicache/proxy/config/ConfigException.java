package io.aicache.proxy.config;

/** The configuration is wrong; the message names the key, the value and what is expected. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
