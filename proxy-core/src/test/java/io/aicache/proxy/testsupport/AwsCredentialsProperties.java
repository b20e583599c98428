package io.aicache.proxy.testsupport;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AWS credentials for the SDK's default chain, given as the system properties it reads: static keys
 * (the chain's first source), or a web identity token as EKS mounts for a service account. Instance
 * metadata is turned off, so a chain that finds nothing fails here instead of looking for a metadata
 * service. {@link #close()} puts back what was there.
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

    /**
     * A service account's token in {@code tokenFile} for {@code roleArn}, exchanged at the STS that
     * {@code stsEndpoint} serves.
     */
    public static AwsCredentialsProperties webIdentity(Path tokenFile, String roleArn, URI stsEndpoint) {
        return new AwsCredentialsProperties(Map.of(
                "aws.webIdentityTokenFile", tokenFile.toString(),
                "aws.roleArn", roleArn,
                "aws.roleSessionName", "aicache-test",
                "aws.endpointUrlSts", stsEndpoint.toString(),
                "aws.region", "eu-west-1",
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
