package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.AwsCredentialsProperties;
import io.aicache.proxy.testsupport.EcrApiServer;
import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * A registry named as an ECR host, which wants Basic {@code AWS:<password>} as ECR does, pulled through
 * aicache with the password a loopback ECR API issued through the {@code ecr} kind.
 */
class EcrRegistryPullTest {

    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final String REPO = "team/app";
    private static final Instant EXPIRES_AT = Instant.now().plus(12, ChronoUnit.HOURS);

    private final RegistryTestClient client = new RegistryTestClient();
    private final AwsCredentialsProperties aws = AwsCredentialsProperties.set("AKIDEXAMPLE", "aws-secret-key");
    private FaultyUpstream upstream;
    private EcrApiServer ecr;
    private RunningAicache aicache;

    @BeforeEach
    void start() {
        upstream = FaultyUpstream.start();
        upstream.requireBasic("AWS", "ecr-password-1");
        ecr = new EcrApiServer("ecr-password-1", EXPIRES_AT);
        aicache = RunningAicache.builder()
                .upstreamWithCredentials(REGISTRY, upstream.endpoint(),
                        Map.of("kind", "ecr", "endpoint", ecr.endpoint().toString()))
                .start();
    }

    @AfterEach
    void stop() {
        aicache.close();
        ecr.close();
        upstream.close();
        aws.close();
    }

    @Test
    void aManifestAndABlobArePulledWithTheTokenEcrIssued() {
        byte[] blob = TestBlobs.random(50_000, 41);
        String digest = upstream.addBlob(REPO, blob);
        byte[] manifest = "{\"schemaVersion\":2}".getBytes();
        upstream.addManifest(REPO, "1.0", "application/vnd.oci.image.manifest.v1+json", manifest);

        HttpResponse<byte[]> manifestResponse = client.get(aicache.uri("/v2/" + REPO + "/manifests/1.0"));
        HttpResponse<byte[]> blobResponse = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + digest));

        assertEquals(200, manifestResponse.statusCode());
        assertArrayEquals(manifest, manifestResponse.body());
        assertEquals(200, blobResponse.statusCode());
        assertArrayEquals(blob, blobResponse.body());
        assertEquals(1, ecr.requests().size(), "one token serves every request until it expires");
    }

    @Test
    void aTokenTheRegistryRefusesIsReplacedByOneNewGetAuthorizationToken() {
        String first = upstream.addBlob(REPO, TestBlobs.random(20_000, 42));
        byte[] second = TestBlobs.random(20_000, 43);
        String secondDigest = upstream.addBlob(REPO, second);
        assertEquals(200, client.get(aicache.uri("/v2/" + REPO + "/blobs/" + first)).statusCode());

        ecr.issue("ecr-password-2", EXPIRES_AT);
        upstream.requireBasic("AWS", "ecr-password-2");
        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/blobs/" + secondDigest));

        assertEquals(200, response.statusCode());
        assertArrayEquals(second, response.body());
        assertEquals(2, ecr.requests().size(), "the refusal made exactly one new GetAuthorizationToken call");
    }

    @Test
    void aDenialByIamIsAnUnavailableUpstreamNamingTheRegistryEcrAndTheReason() {
        ecr.deny();

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/manifests/1.0"));

        assertEquals(503, response.statusCode());
        ErrorBody error = ErrorBody.of(response);
        assertEquals("UNAVAILABLE", error.code());
        assertTrue(error.message().contains(REGISTRY), error.message());
        assertTrue(error.message().contains("Amazon ECR"), error.message());
        assertTrue(error.message().contains("not authorized to perform: ecr:GetAuthorizationToken"), error.message());
        assertFalse(error.message().contains("aws-secret-key"), "the AWS secret is never in a message");
    }
}
