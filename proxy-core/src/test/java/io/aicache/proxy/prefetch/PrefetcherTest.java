package io.aicache.proxy.prefetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.testsupport.FaultyUpstream;
import io.aicache.proxy.testsupport.RunningAicache;
import io.aicache.proxy.testsupport.SeededImage;

/** Prefetching whole images: the chosen platforms' blobs are kept, and a second prefetch fetches nothing. */
class PrefetcherTest {

    private static final String REPO = "org/app";

    private final FaultyUpstream upstream = FaultyUpstream.start();
    private final RunningAicache aicache = RunningAicache.against("registry.test", upstream);

    @AfterEach
    void stop() {
        aicache.close();
        upstream.close();
    }

    private PrefetchReport prefetch(String image, List<String> platforms) throws Exception {
        return aicache.prefetcher().prefetch(image, platforms, PrefetchProgress.NONE).get(60, TimeUnit.SECONDS);
    }

    @Test
    void fetchesOnlyTheChosenPlatformAndThenFindsItCached() throws Exception {
        SeededImage image = SeededImage.seed(upstream, REPO, "1.0", List.of("linux/amd64", "linux/arm64/v8"), 3, 70_000, 1);

        PrefetchReport first = prefetch("registry.test/org/app:1.0", List.of("linux/amd64"));

        Map<String, Integer> amd64 = image.blobs("linux/amd64");
        assertEquals(image.digest(), first.digest());
        assertEquals(2, first.manifests());
        assertEquals(amd64.size(), first.blobsFetched());
        assertEquals(amd64.values().stream().mapToLong(Integer::longValue).sum(), first.bytesFetched());
        assertTrue(first.succeeded());
        amd64.keySet().forEach(digest -> assertTrue(aicache.blobFile(digest).toFile().isFile(), digest));
        image.blobs("linux/arm64/v8").keySet().stream().filter(digest -> !amd64.containsKey(digest))
                .forEach(digest -> assertEquals(0, upstream.blobRequests("GET", REPO, digest), digest));

        PrefetchReport second = prefetch("registry.test/org/app:1.0", List.of("linux/amd64"));

        assertEquals(0, second.blobsFetched());
        assertEquals(amd64.size(), second.blobsCached());
        amd64.keySet().forEach(digest -> assertEquals(1, upstream.blobRequests("GET", REPO, digest), digest));
    }

    @Test
    void allPlatformsWhenNoneIsNamed() throws Exception {
        SeededImage image = SeededImage.seed(upstream, REPO, "2.0", List.of("linux/amd64", "linux/arm64"), 2, 1000, 1);

        PrefetchReport report = prefetch("registry.test/org/app@" + image.digest(), List.of());

        assertEquals(3, report.manifests());
        assertEquals(7, report.blobsFetched());
    }

    @Test
    void refusesWhatCannotBeAnImage() {
        ExecutionException unknownRegistry = assertThrows(ExecutionException.class,
                () -> prefetch("elsewhere.example/org/app:1", List.of()));
        assertInstanceOf(IllegalArgumentException.class, unknownRegistry.getCause());
        ExecutionException badPlatform = assertThrows(ExecutionException.class,
                () -> prefetch("registry.test/org/app:1", List.of("linux")));
        assertTrue(badPlatform.getCause().getMessage().contains("os/architecture"));
        ExecutionException missing = assertThrows(ExecutionException.class,
                () -> prefetch("registry.test/org/app:absent", List.of()));
        assertInstanceOf(PrefetchException.class, missing.getCause());
    }
}
