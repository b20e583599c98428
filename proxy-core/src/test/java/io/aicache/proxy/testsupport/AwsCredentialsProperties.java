package io.aicache.proxy.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Static AWS credentials for the SDK's default chain, given as the system properties it reads first
 * ({@code aws.accessKeyId}, {@code aws.secretAccessKey}), with instance metadata turned off so a chain
 * that finds nothing fails here instead of looking for a metadata service. {@link #close()} puts back
 * what was there.
 */
public final class AwsCredentialsProperties implements AutoCloseable {

    private final Map<String, String> previous = new LinkedHashMap<>();

    private AwsCredentialsProperties(Map<String, String> properties) {
        properties.forEach((name, value) -> previous.put(name, System.setProperty(name, value)));
    }

    public static AwsCredentialsProperties set(String accessKeyId, String secretAccessKey) {
        return new AwsCredentialsProperties(Map.of(
                "aws.accessKeyId", accessKeyId,
                "aws.secretAccessKey", secretAccessKey,
                "aws.disableEc2Metadata", "true"));
    }

    @Override
    public void close() {
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
