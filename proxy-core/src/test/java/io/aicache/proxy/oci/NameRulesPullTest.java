package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** upstream.allow and upstream.deny through the registry API: a refused name costs upstream nothing. */
class NameRulesPullTest {

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
            .set("upstream.allow", List.of("registry.test/org/**"))
            .set("upstream.deny", List.of("registry.test/org/secret", "registry.test/org/app:edge"))
            .start();
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private static void assertDenied(HttpResponse<byte[]> response, String fragment) {
        assertEquals(403, response.statusCode());
        ErrorBody error = ErrorBody.of(response);
        assertEquals("DENIED", error.code());
        assertTrue(error.message().contains(fragment), error.message());
    }

    @Test
    void aDeniedRepositoryIsRefusedWithoutAskingUpstream() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "secret");
        upstream.addManifest("org/secret", "v1", TestBlobs.OCI_MANIFEST, manifest);
        String blob = upstream.addBlob("org/secret", TestBlobs.random(10_000, 3));

        assertDenied(client.get(aicache.uri("/v2/org/secret/manifests/v1")), "upstream.deny rule 'registry.test/org/secret'");
        assertDenied(client.get(aicache.uri("/v2/org/secret/blobs/" + blob)), "refused");
        assertDenied(client.get(aicache.uri("/v2/org/secret/tags/list")), "refused");

        assertEquals(0, upstream.manifestRequests("GET", "org/secret", "v1"));
        assertEquals(0, upstream.blobRequests("GET", "org/secret", blob));
    }

    @Test
    void aDeniedTagIsRefusedWhileTheRepositoryIsServed() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "app");
        upstream.addManifest("org/app", "edge", TestBlobs.OCI_MANIFEST, manifest);
        String digest = upstream.addManifest("org/app", "v1", TestBlobs.OCI_MANIFEST, manifest);

        assertDenied(client.get(aicache.uri("/v2/org/app/manifests/edge")), "registry.test/org/app:edge");
        assertEquals(0, upstream.manifestRequests("GET", "org/app", "edge"));
        assertArrayEquals(manifest, client.get(aicache.uri("/v2/org/app/manifests/v1")).body());
        assertEquals(200, client.get(aicache.uri("/v2/org/app/manifests/" + digest)).statusCode());
    }

    @Test
    void aNameNoAllowRuleCoversIsRefused() {
        assertDenied(client.get(aicache.uri("/v2/other/app/manifests/v1")), "not covered by any upstream.allow rule");
        assertEquals(0, upstream.manifestRequests("GET", "other/app", "v1"));
    }
}
