package io.aicache.proxy.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.config.FilesConfig;

class FileTtlsTest {

    private final FilesConfig defaults = new ConfigLoader(name -> null).defaults().files();
    private final FileTtls ttls = new FileTtls(defaults.ttls(), defaults.ttl());

    @Test
    void aVersionOrACommitIsLongBranchesAndLatestAreShortAnythingElseTheDefault() {
        Duration year = Duration.ofDays(365);
        Duration minute = Duration.ofMinutes(1);
        assertEquals(year, ttls.ttlOf("cert-manager/cert-manager/releases/download/v1.16.2/cert-manager.yaml"));
        assertEquals(year, ttls.ttlOf("kubernetes-sigs/metrics-server/releases/download/0.7.2/components.yaml"));
        assertEquals(year, ttls.ttlOf("org/repo/v2.0.0-rc.1/deploy.yaml"));
        assertEquals(year, ttls.ttlOf("org/repo/" + "0123456789abcdef0123456789abcdef01234567" + "/deploy/crds.yaml"));
        assertEquals(minute, ttls.ttlOf("org/repo/main/deploy/crds.yaml"));
        assertEquals(minute, ttls.ttlOf("org/repo/refs/heads/master/install.yaml"));
        assertEquals(minute, ttls.ttlOf("org/repo/releases/latest/download/install.yaml"));
        assertEquals(minute, ttls.ttlOf("org/repo/main/v1.2.3/app.yaml"), "a moving branch wins over a version below it");
        assertEquals(Duration.ofMinutes(10), ttls.ttlOf("org/repo/release-1.2/deploy.yaml"));
        assertEquals(Duration.ofMinutes(10), ttls.ttlOf("org/repo/app-v1.2.3.yaml"), "a version inside a segment is no version segment");
        assertEquals(Duration.ofMinutes(10), ttls.ttlOf("org/repo/maintenance/x.yaml"));
    }
}
