package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void parsesDockerHubBearerChallenge() {
        List<Challenge> challenges = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/alpine:pull\"");
        assertEquals(1, challenges.size());
        Challenge bearer = challenges.get(0);
        assertEquals("bearer", bearer.scheme());
        assertEquals("https://auth.docker.io/token", bearer.parameter("realm"));
        assertEquals("registry.docker.io", bearer.parameter("service"));
        assertEquals("repository:library/alpine:pull", bearer.parameter("scope"));
    }

    @Test
    void parsesSeveralChallengesAndUnquotedValues() {
        List<Challenge> challenges = Challenge.parse("Basic realm=\"Registry Realm\", Bearer realm=https://t.example/token, error=\"insufficient_scope\"");
        assertEquals(2, challenges.size());
        assertEquals("basic", challenges.get(0).scheme());
        assertEquals("Registry Realm", challenges.get(0).parameter("realm"));
        assertEquals("https://t.example/token", challenges.get(1).parameter("realm"));
        assertEquals("insufficient_scope", challenges.get(1).parameter("error"));
    }

    @Test
    void unreadableHeadersGiveNoChallengeRatherThanAnError() {
        assertTrue(Challenge.parse(null).isEmpty());
        assertTrue(Challenge.parse("").isEmpty());
        assertEquals("bearer", Challenge.parse("Bearer realm=\"unterminated").get(0).scheme());
    }

    @Test
    void libraryPrefixOnlyForSingleComponentNames() {
        UpstreamRegistry hub = new UpstreamRegistry("docker.io", java.net.URI.create("https://registry-1.docker.io"),
                java.util.Optional.empty(), true);
        assertEquals("library/alpine", hub.upstreamRepository("alpine"));
        assertEquals("bitnami/redis", hub.upstreamRepository("bitnami/redis"));
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertTrue(!new Credentials("user", "s3cret").toString().contains("s3cret"));
    }
}
