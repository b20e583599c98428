package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/**
 * Names clients use that are not configured one by one: hosts a registry pattern matches, and names a
 * cache rule maps to a registry and a prefix there. Each test counts what reached upstream.
 */
class RegistryNamesPullTest {

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.builder()
            .upstream("registry.test", upstream.endpoint())
            .upstream("*.pattern.test", upstream.endpoint())
            .set("upstream.cacheRules", List.of(
                    Map.of("from", "team/**", "to", "registry.test/org/**"),
                    Map.of("from", "docker.io/corp/*", "to", "team-a.pattern.test/org/*")))
            .set("upstream.deny", List.of("registry.test/org/secret"))
            .start();
    private final RegistryTestClient client = new RegistryTestClient();
    private final byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "app");

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    @Test
    void aHostThePatternMatchesIsPulledFromByItsOwnName() {
        upstream.addManifest("org/app", "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/team-a.pattern.test/org/app/manifests/v1"));

        assertEquals(200, response.statusCode());
        assertArrayEquals(manifest, response.body());
        assertEquals(1, upstream.manifestRequests("GET", "org/app", "v1"));
        assertEquals(200, client.get(aicache.uri("/v2/org/app/manifests/v1?ns=team-b.pattern.test")).statusCode(),
                "containerd's ns names a pattern host too");
        assertEquals(404, client.get(aicache.uri("/v2/evil.example.pattern.test.other/org/app/manifests/v1")).statusCode(),
                "a host the pattern does not match is part of a name on the default registry, which has none");
    }

    @Test
    void aCacheRuleServesItsNamesFromTheRegistryAndPrefixItMapsThemTo() {
        String blob = upstream.addBlob("org/tools/app", TestBlobs.random(50_000, 9));
        upstream.addManifest("org/tools/app", "v1", TestBlobs.OCI_MANIFEST, manifest);

        assertArrayEquals(manifest, client.get(aicache.uri("/v2/team/tools/app/manifests/v1")).body());
        assertEquals(200, client.get(aicache.uri("/v2/team/tools/app/blobs/" + blob)).statusCode());
        assertArrayEquals(manifest, client.get(aicache.uri("/v2/org/tools/app/manifests/v1?ns=registry.test")).body(),
                "the name the rule maps to, asked for as it is, is the same cached tag");

        assertEquals(1, upstream.manifestRequests("GET", "org/tools/app", "v1"), "one fetch serves both names");
        assertEquals(1, upstream.blobRequests("GET", "org/tools/app", blob));
    }

    @Test
    void aRuleWithANamespaceCoversOnlyRequestsWithIt() {
        upstream.addManifest("org/app", "v2", TestBlobs.OCI_MANIFEST, manifest);

        assertArrayEquals(manifest, client.get(aicache.uri("/v2/corp/app/manifests/v2?ns=docker.io")).body());
        assertEquals(1, upstream.manifestRequests("GET", "org/app", "v2"));
    }

    @Test
    void allowAndDenyRulesJudgeTheNameARuleMapsTo() {
        upstream.addManifest("org/secret", "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/team/secret/manifests/v1"));

        assertEquals(403, response.statusCode());
        assertTrue(ErrorBody.of(response).message().contains("registry.test/org/secret"), ErrorBody.of(response).message());
        assertEquals(0, upstream.manifestRequests("GET", "org/secret", "v1"));
    }
}
