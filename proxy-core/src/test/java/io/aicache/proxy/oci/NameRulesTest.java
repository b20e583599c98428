package io.aicache.proxy.oci;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.aicache.model.Repository;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;

class NameRulesTest {

    private static final Repository ALPINE = new Repository("docker.io", "library/alpine");
    private static final Repository APP = new Repository("ghcr.io", "org/team/app");
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static void assertDenied(NameRules rules, Repository repository, String reference, String why) {
        RegistryException denied = assertThrows(RegistryException.class, () -> rules.check(repository, reference));
        assertEquals(ErrorCode.DENIED, denied.code());
        assertTrue(denied.getMessage().contains(why), denied.getMessage());
    }

    @Test
    void noRulesMirrorEverything() {
        assertDoesNotThrow(() -> new NameRules(List.of(), List.of()).check(APP, "v1"));
    }

    @Test
    void aDenyRuleWithoutATagRefusesEveryTagDigestAndListing() {
        NameRules rules = new NameRules(List.of(), List.of("docker.io/library/*"));
        assertDenied(rules, ALPINE, "3.20", "upstream.deny rule 'docker.io/library/*'");
        assertDenied(rules, ALPINE, DIGEST, "docker.io/library/alpine is refused");
        assertDenied(rules, ALPINE, null, "refused");
        assertDoesNotThrow(() -> rules.check(new Repository("docker.io", "bitnami/redis"), "7"));
    }

    @Test
    void aDenyRuleWithATagRefusesThoseTagsOnly() {
        NameRules rules = new NameRules(List.of(), List.of("docker.io/library/alpine:edge*"));
        assertDenied(rules, ALPINE, "edge", "docker.io/library/alpine:edge is refused");
        assertDoesNotThrow(() -> rules.check(ALPINE, "3.20"));
        assertDoesNotThrow(() -> rules.check(ALPINE, DIGEST));
    }

    @Test
    void withAllowRulesOnlyWhatTheyCoverIsMirrored() {
        NameRules rules = new NameRules(List.of("ghcr.io/org/**", "docker.io/library/alpine:3.?"), List.of());
        assertDoesNotThrow(() -> rules.check(APP, "latest"));
        assertDoesNotThrow(() -> rules.check(ALPINE, "3.9"));
        assertDoesNotThrow(() -> rules.check(ALPINE, DIGEST), "the layers of an allowed tag are pulled by digest");
        assertDenied(rules, ALPINE, "edge", "not covered by any upstream.allow rule");
        assertDenied(rules, new Repository("ghcr.io", "other/app"), "v1", "ghcr.io/other/app:v1");
    }

    @Test
    void denyWinsOverAllow() {
        NameRules rules = new NameRules(List.of("ghcr.io/**"), List.of("ghcr.io/org/team/*"));
        assertDenied(rules, APP, "v1", "upstream.deny");
    }

    @Test
    void aSingleStarStaysWithinOneComponentAndARegistryMayHaveAPort() {
        NameRules rules = new NameRules(List.of("registry.test:5000/*"), List.of());
        assertDoesNotThrow(() -> rules.check(new Repository("registry.test:5000", "app"), "v1"));
        assertDenied(rules, new Repository("registry.test:5000", "org/app"), "v1", "not covered");
    }
}
