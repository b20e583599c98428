package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.proxy.testsupport.ErrorBody;
import io.aicache.proxy.testsupport.Fault;
import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RecordedRequest;
import io.aicache.proxy.testsupport.RegistryTestClient;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.TestBlobs;

/** Manifests pulled through aicache: by tag and digest, tag TTL and revalidation, Accept, stale-if-error, verification. */
class ManifestPullThroughTest {

    private static final String REPO = "org/app";
    private static final String ACCEPT_ALL = String.join(", ", TestBlobs.DOCKER_MANIFEST, TestBlobs.DOCKER_LIST,
            TestBlobs.OCI_MANIFEST, TestBlobs.OCI_INDEX, "*/*");

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private RunningAicache aicache = RunningAicache.against("registry.test", upstream);
    private final RegistryTestClient client = new RegistryTestClient();

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    /** Restarts aicache with tags that expire at once, so every tag request revalidates. */
    private void withTagTtlZero() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint()).set("manifests.tagTtl", "0s").start();
    }

    private URI manifestUri(String reference) {
        return aicache.uri("/v2/" + REPO + "/manifests/" + reference);
    }

    @Test
    void servesManifestByTagWithContentTypeAndDigest() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "by-tag");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);

        HttpResponse<byte[]> response = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(response, manifest, TestBlobs.OCI_MANIFEST, digest);
    }

    @Test
    void servesManifestByDigestWithContentTypeAndDigest() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.DOCKER_MANIFEST, "by-digest");
        String digest = upstream.addManifest(REPO, null, TestBlobs.DOCKER_MANIFEST, manifest);

        HttpResponse<byte[]> response = client.get(manifestUri(digest), "Accept", ACCEPT_ALL);

        assertManifest(response, manifest, TestBlobs.DOCKER_MANIFEST, digest);
    }

    @Test
    void answersManifestHeadWithLengthAndDigest() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_INDEX, "head");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_INDEX, manifest);

        HttpResponse<byte[]> response = client.head(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertEquals(200, response.statusCode());
        assertEquals(Integer.toString(manifest.length), response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(TestBlobs.OCI_INDEX, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(0, response.body().length);
    }

    @Test
    void servesSecondFetchByDigestWithoutAskingUpstream() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "twice");
        String digest = upstream.addManifest(REPO, null, TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri(digest));
        int before = upstream.recorded().size();

        HttpResponse<byte[]> second = client.get(manifestUri(digest));

        assertManifest(second, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(before, upstream.recorded().size(), "nothing went upstream for a kept digest");
    }

    @Test
    void servesSecondFetchByDigestFromDiskAfterRestart() throws Exception {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "restart");
        String digest = upstream.addManifest(REPO, null, TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri(digest));

        aicache.restart();
        HttpResponse<byte[]> afterRestart = client.get(manifestUri(digest));

        assertManifest(afterRestart, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(1, upstream.manifestRequests("GET", REPO, digest));
    }

    @Test
    void servesTagWithinTtlWithoutAskingUpstream() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "fresh");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);
        int before = upstream.recorded().size();

        HttpResponse<byte[]> second = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(second, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(before, upstream.recorded().size(), "a fresh tag is answered from the cache");
    }

    @Test
    void revalidatesExpiredTagWithHeadAndNoGetWhenUnchanged() {
        withTagTtlZero();
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "unchanged");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        HttpResponse<byte[]> second = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(second, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(1, upstream.manifestRequests("HEAD", REPO, "v1"), "revalidated with a HEAD");
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v1"), "and not fetched again");
        assertEquals(0, upstream.manifestRequests("GET", REPO, digest));
    }

    @Test
    void refetchesExpiredTagThatMovedUpstream() {
        withTagTtlZero();
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "old"));
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);
        byte[] moved = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "new");
        String movedDigest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, moved);

        HttpResponse<byte[]> second = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(second, moved, TestBlobs.OCI_MANIFEST, movedDigest);
        assertEquals(2, upstream.manifestRequests("GET", REPO, "v1"));
    }

    @Test
    void refetchesTagWhoseCachedMediaTypeTheClientDoesNotAccept() {
        byte[] index = TestBlobs.manifest(TestBlobs.OCI_INDEX, "index");
        byte[] docker = TestBlobs.manifest(TestBlobs.DOCKER_MANIFEST, "docker");
        upstream.addManifest(REPO, "v1", TestBlobs.OCI_INDEX, index);
        String dockerDigest = upstream.addManifest(REPO, "v1", TestBlobs.DOCKER_MANIFEST, docker);
        client.get(manifestUri("v1"), "Accept", TestBlobs.OCI_INDEX + ", " + TestBlobs.DOCKER_MANIFEST);

        HttpResponse<byte[]> oldClient = client.get(manifestUri("v1"), "Accept", TestBlobs.DOCKER_MANIFEST);

        assertManifest(oldClient, docker, TestBlobs.DOCKER_MANIFEST, dockerDigest);
        List<RecordedRequest> gets = upstream.recorded("GET", "/v2/" + REPO + "/manifests/v1");
        assertEquals(2, gets.size(), "the cached index does not suit this client: asked upstream again");
        String accept = String.join(",", gets.get(1).headerValues("Accept"));
        assertTrue(accept.contains(TestBlobs.DOCKER_MANIFEST), accept);
        assertFalse(accept.contains(TestBlobs.OCI_INDEX), "asked upstream with this client's Accept: " + accept);
    }

    @Test
    void readsEveryAcceptHeaderOfTheClient() {
        byte[] docker = TestBlobs.manifest(TestBlobs.DOCKER_MANIFEST, "several-accepts");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.DOCKER_MANIFEST, docker);
        client.get(manifestUri("v1"), "Accept", TestBlobs.DOCKER_MANIFEST);

        // skopeo sends one Accept header per type; the cached type is in the second one.
        HttpResponse<byte[]> response = client.get(manifestUri("v1"),
                "Accept", TestBlobs.OCI_MANIFEST, "Accept", TestBlobs.DOCKER_MANIFEST);

        assertManifest(response, docker, TestBlobs.DOCKER_MANIFEST, digest);
        assertEquals(1, upstream.manifestRequests("GET", REPO, "v1"), "the cached manifest suits the client");
    }

    @Test
    void servesExpiredTagFromCacheWhenUpstreamIsDown() {
        withTagTtlZero();
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "stale");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        upstream.close();
        HttpResponse<byte[]> stale = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(stale, manifest, TestBlobs.OCI_MANIFEST, digest);
    }

    @Test
    void servesExpiredTagFromCacheWhenUpstreamAnswers5xx() {
        withTagTtlZero();
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "stale-5xx");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        upstream.inject("v1", Fault.status(503));
        HttpResponse<byte[]> stale = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(stale, manifest, TestBlobs.OCI_MANIFEST, digest);
    }

    @Test
    void refusesManifestByDigestWhoseBytesDoNotMatchAndKeepsNothing() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "corrupt-digest");
        String digest = upstream.addManifest(REPO, null, TestBlobs.OCI_MANIFEST, manifest);
        upstream.injectOnce(digest, Fault.corrupt());

        HttpResponse<byte[]> refused = client.get(manifestUri(digest));

        assertEquals(502, refused.statusCode());
        ErrorBody.of(refused);
        assertFalse(Files.exists(aicache.blobFile(digest)), "wrong bytes are not kept");
        HttpResponse<byte[]> retry = client.get(manifestUri(digest));
        assertManifest(retry, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(2, upstream.manifestRequests("GET", REPO, digest));
    }

    @Test
    void refusesTaggedManifestWhoseBytesDoNotMatchTheAnnouncedDigest() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "corrupt-tag");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        upstream.injectOnce("v1", Fault.corrupt());

        HttpResponse<byte[]> refused = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertEquals(502, refused.statusCode());
        ErrorBody.of(refused);
        assertFalse(Files.exists(aicache.blobFile(digest)));
        HttpResponse<byte[]> retry = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);
        assertManifest(retry, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(2, upstream.manifestRequests("GET", REPO, "v1"), "the refused tag was not remembered");
    }

    @Test
    void servesManifestThatUpstreamSendsWithoutLength() {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "chunked");
        String digest = upstream.addManifest(REPO, null, TestBlobs.OCI_MANIFEST, manifest);
        upstream.injectOnce(digest, Fault.unframed());

        assertManifest(client.get(manifestUri(digest)), manifest, TestBlobs.OCI_MANIFEST, digest);
    }

    @Test
    void refusesManifestOverTheLimitThatUpstreamSendsWithoutLength() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("manifests.maxBytes", "1KiB").start();
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "x".repeat(4096));
        String digest = upstream.addManifest(REPO, "big", TestBlobs.OCI_MANIFEST, manifest);
        upstream.inject(digest, Fault.unframed());
        upstream.inject("big", Fault.unframed());

        HttpResponse<byte[]> byDigest = client.get(manifestUri(digest));
        HttpResponse<byte[]> byTag = client.get(manifestUri("big"), "Accept", ACCEPT_ALL);

        assertEquals(502, byDigest.statusCode());
        assertEquals(502, byTag.statusCode());
        ErrorBody.of(byDigest);
        ErrorBody.of(byTag);
        assertFalse(Files.exists(aicache.blobFile(digest)), "nothing of an oversized manifest is kept");
    }

    @Test
    void mapsMissingManifestToManifestUnknown() {
        HttpResponse<byte[]> response = client.get(manifestUri("nope"), "Accept", ACCEPT_ALL);

        assertEquals(404, response.statusCode());
        assertEquals("MANIFEST_UNKNOWN", ErrorBody.of(response).code());
    }

    @Test
    void asksUpstreamEveryTimeForAMissingManifestByDefault() {
        client.get(manifestUri("nope"), "Accept", ACCEPT_ALL);
        client.get(manifestUri("nope"), "Accept", ACCEPT_ALL);

        assertEquals(2, upstream.manifestRequests("GET", REPO, "nope"));
    }

    @Test
    void remembersAMissingManifestForNotFoundTtl() {
        aicache.close();
        aicache = RunningAicache.builder().upstream("registry.test", upstream.endpoint())
                .set("manifests.notFoundTtl", "1h").start();

        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> response = client.get(manifestUri("nope"), "Accept", ACCEPT_ALL);
            assertEquals(404, response.statusCode());
            assertEquals("MANIFEST_UNKNOWN", ErrorBody.of(response).code());
        }
        assertEquals(1, upstream.manifestRequests("GET", REPO, "nope"), "a miss costs upstream one request");

        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "other-tag");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        assertManifest(client.get(manifestUri("v1"), "Accept", ACCEPT_ALL), manifest, TestBlobs.OCI_MANIFEST, digest);
    }

    @Test
    void passesReferrersThroughWithAndWithoutArtifactTypeFilter() throws IOException {
        byte[] subject = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "subject");
        String subjectDigest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, subject);
        String signature = upstream.addReferrer(REPO, subjectDigest, "application/vnd.example.signature",
                TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "signature"));
        upstream.addReferrer(REPO, subjectDigest, "application/vnd.example.sbom",
                TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "sbom"));

        HttpResponse<byte[]> all = client.get(aicache.uri("/v2/" + REPO + "/referrers/" + subjectDigest));
        HttpResponse<byte[]> filtered = client.get(aicache.uri("/v2/" + REPO + "/referrers/" + subjectDigest
                + "?artifactType=application/vnd.example.signature"));

        ObjectMapper json = new ObjectMapper();
        assertEquals(200, all.statusCode());
        assertEquals(TestBlobs.OCI_INDEX, all.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(2, json.readTree(all.body()).path("manifests").size());
        assertTrue(all.headers().firstValue("OCI-Filters-Applied").isEmpty());
        assertEquals(200, filtered.statusCode());
        JsonNode only = json.readTree(filtered.body()).path("manifests");
        assertEquals(1, only.size());
        assertEquals(signature, only.get(0).path("digest").asText());
        assertEquals("artifactType", filtered.headers().firstValue("OCI-Filters-Applied").orElseThrow());
    }

    @Test
    void claimsNoReferrersFilterThatUpstreamDidNotApply() throws IOException {
        upstream.ignoreReferrersFilter();
        byte[] subject = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "subject");
        String subjectDigest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, subject);
        upstream.addReferrer(REPO, subjectDigest, "application/vnd.example.signature",
                TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "signature"));
        upstream.addReferrer(REPO, subjectDigest, "application/vnd.example.sbom",
                TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "sbom"));

        HttpResponse<byte[]> response = client.get(aicache.uri("/v2/" + REPO + "/referrers/" + subjectDigest
                + "?artifactType=application/vnd.example.signature"));

        assertEquals(200, response.statusCode());
        JsonNode listed = new ObjectMapper().readTree(response.body()).path("manifests");
        boolean allMatch = true;
        for (JsonNode entry : listed) {
            allMatch &= entry.path("artifactType").asText().equals("application/vnd.example.signature");
        }
        assertTrue(allMatch || response.headers().firstValue("OCI-Filters-Applied").isEmpty(),
                "OCI-Filters-Applied tells the client the list is filtered, but it lists " + listed);
    }

    @Test
    void servesTagWithinTtlFromCacheAfterRestart() throws Exception {
        byte[] manifest = TestBlobs.manifest(TestBlobs.OCI_MANIFEST, "tag-restart");
        String digest = upstream.addManifest(REPO, "v1", TestBlobs.OCI_MANIFEST, manifest);
        client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);
        int before = upstream.recorded().size();

        aicache.restart();
        HttpResponse<byte[]> afterRestart = client.get(manifestUri("v1"), "Accept", ACCEPT_ALL);

        assertManifest(afterRestart, manifest, TestBlobs.OCI_MANIFEST, digest);
        assertEquals(before, upstream.recorded().size(), "the tag and its manifest survived the restart");
    }

    private static void assertManifest(HttpResponse<byte[]> response, byte[] bytes, String mediaType, String digest) {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(bytes, response.body());
        assertEquals(mediaType, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(Integer.toString(bytes.length), response.headers().firstValue("Content-Length").orElseThrow());
    }
}
