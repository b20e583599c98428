package io.aicache.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.AwsCredentialsProperties;
import io.aicache.proxy.testsupport.DockerRegistryProcess;
import io.aicache.proxy.testsupport.EcrApiServer;
import io.aicache.proxy.testsupport.OciImageLayout;
import io.aicache.proxy.testsupport.PulledOciLayout;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.Skopeo;

/**
 * An ECR-named registry played by Debian's docker-registry with htpasswd, whose user is {@code AWS}
 * and whose password is the token a loopback ECR API issues, as a real ECR registry's is; skopeo
 * pulls through aicache, which has only the {@code ecr} kind and AWS keys to go on.
 */
@Tag("e2e")
class EcrRegistryE2ETest {

    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final String TOKEN_PASSWORD = "eyJwYXlsb2FkIjoiZWNyLXRva2VuIn0";

    @TempDir
    Path tempDir;

    private final AwsCredentialsProperties aws = AwsCredentialsProperties.set("AKIDEXAMPLE", "aws-secret-key");
    private final EcrApiServer ecr = new EcrApiServer(TOKEN_PASSWORD, Instant.now().plus(12, ChronoUnit.HOURS));
    private DockerRegistryProcess upstream;
    private RunningAicache aicache;
    private Skopeo skopeo;

    @BeforeEach
    void start() throws Exception {
        upstream = DockerRegistryProcess.startWithHtpasswd("AWS", TOKEN_PASSWORD);
        skopeo = new Skopeo(tempDir.resolve("skopeo"));
        aicache = RunningAicache.builder()
                .upstreamWithCredentials(REGISTRY, upstream.endpoint(),
                        Map.of("kind", "ecr", "endpoint", ecr.endpoint().toString()))
                .start();
    }

    @AfterEach
    void stop() {
        if (aicache != null) {
            aicache.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        ecr.close();
        aws.close();
    }

    @Test
    void skopeoPullsAnImageWithTheTokenEcrIssued() throws Exception {
        OciImageLayout image = OciImageLayout.builder().tag("1.0").seed(29)
                .layerSizes(1 << 20, 128 * 1024)
                .writeImage(tempDir.resolve("image"));
        skopeo.push(image, upstream.hostPort(), "team/app", "--dest-creds", "AWS:" + TOKEN_PASSWORD);

        PulledOciLayout pulled = skopeo.pull(aicache.uri("").getAuthority(), REGISTRY + "/team/app", "1.0");

        assertEquals(image.manifestDigest(), pulled.manifestDigest());
        assertEquals(image.blobDigests(), pulled.blobDigests());
        assertEquals(1, ecr.requests().size(), "one token served the whole pull");
    }
}
