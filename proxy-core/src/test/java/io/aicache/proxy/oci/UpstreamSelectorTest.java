package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.aicache.proxy.config.CacheRule;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.upstream.RegistryHostPattern;
import io.aicache.upstream.UpstreamClients;
import io.aicache.upstream.UpstreamObserver;
import io.aicache.upstream.UpstreamRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

class UpstreamSelectorTest {

    /** Never started: selecting an upstream sends nothing. */
    private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final UpstreamSelector selector = new UpstreamSelector(new UpstreamClients(List.of(
            new UpstreamRegistry("docker.io", URI.create("https://registry-1.docker.io"), Optional.empty(), true),
            new UpstreamRegistry("ghcr.io", URI.create("https://ghcr.io"), Optional.empty(), false),
            new UpstreamRegistry("registry.test:5000", URI.create("http://127.0.0.1:5000"), Optional.empty(), false)),
            List.of(new RegistryHostPattern("*.azurecr.io",
                    host -> new UpstreamRegistry(host, URI.create("https://" + host), Optional.empty(), false))),
            ForkJoinPool.commonPool(), new UpstreamClients.Connections(LOOPS, NioSocketChannel.class, Duration.ofSeconds(1)),
            Duration.ofSeconds(1), 5, Duration.ofSeconds(30), false, UpstreamObserver.NONE),
            "docker.io", new CacheRules(List.of(
                    new CacheRule("team/**", "myacr.azurecr.io/mirror/**"),
                    new CacheRule("docker.io/corp/*", "ghcr.io/corp-mirror/*"))));

    @AfterAll
    static void stopLoops() {
        LOOPS.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void namespaceParameterPicksTheRegistry() {
        Target target = selector.select("org/app", "ghcr.io");
        assertEquals("ghcr.io", target.registryName());
        assertEquals("org/app", target.repository().name());
        assertEquals("ghcr.io", target.namespaceEcho());
    }

    @Test
    void firstPathComponentNamingARegistryPicksIt() {
        Target target = selector.select("ghcr.io/org/app", null);
        assertEquals("ghcr.io", target.registryName());
        assertEquals("org/app", target.repository().name());
        assertEquals("ghcr.io/org/app", target.clientPathPrefix());
        assertEquals("registry.test:5000", selector.select("registry.test:5000/team/app", null).registryName());
    }

    @Test
    void aHostAPatternMatchesIsARegistryOfItsOwn() {
        Target target = selector.select("myacr.azurecr.io/team/app", null);
        assertEquals("myacr.azurecr.io", target.registryName());
        assertEquals("team/app", target.repository().name());
        assertEquals(URI.create("https://myacr.azurecr.io"), target.client().registry().endpoints().get(0).url());
        assertSame(target.client(), selector.select("team/other", "myacr.azurecr.io").client(), "one client per host");
        assertEquals("other.azurecr.io", selector.select("team/app", "other.azurecr.io").registryName());
        assertEquals("docker.io", selector.select("evil.example/x.azurecr.io/app", null).registryName(),
                "only a first component the pattern matches");
    }

    @Test
    void aCacheRuleSendsTheNameItCoversElsewhereAndKeepsTheClientsNameForLinks() {
        Target target = selector.select("team/sub/app", null);
        assertEquals("myacr.azurecr.io", target.registryName());
        assertEquals("mirror/sub/app", target.repository().name());
        assertEquals("team/sub/app", target.clientPathPrefix());

        Target namespaced = selector.select("corp/app", "docker.io");
        assertEquals("ghcr.io", namespaced.registryName());
        assertEquals("corp-mirror/app", namespaced.repository().name());
        assertEquals("docker.io", namespaced.namespaceEcho());
        assertEquals("library/app", selector.select("app", "docker.io").repository().name(), "a name no rule covers");
    }

    @Test
    void anythingElseGoesToTheDefaultWithDockerHubsLibraryPrefix() {
        Target target = selector.select("alpine", null);
        assertEquals("docker.io", target.registryName());
        assertEquals("library/alpine", target.repository().name());
        assertEquals("library/alpine", selector.select("docker.io/alpine", null).repository().name());
        assertEquals("example.com/app", selector.select("example.com/app", null).repository().name(),
                "an unconfigured host-like component is part of the name");
    }

    @Test
    void unknownNamespaceIsNameUnknown() {
        assertEquals(ErrorCode.NAME_UNKNOWN,
                assertThrows(RegistryException.class, () -> selector.select("app", "quay.io")).code());
    }

    @Test
    void repositoryIsValidatedAfterTheRegistryIsTakenOff() {
        assertEquals(ErrorCode.NAME_INVALID,
                assertThrows(RegistryException.class, () -> selector.select("ghcr.io/Org/App", null)).code());
    }

    @Test
    void nextPageLinksPointAtTheClientsPath() {
        Target target = selector.select("ghcr.io/org/app", null);
        assertEquals("</v2/ghcr.io/org/app/tags/list?last=b&n=2>; rel=\"next\"",
                ListingService.rewriteLink("</v2/org/app/tags/list?last=b&n=2>; rel=\"next\"", target));
    }
}
