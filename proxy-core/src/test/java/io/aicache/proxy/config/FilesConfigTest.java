package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.aicache.upstream.FileRemote;

class FilesConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("GITHUB_TOKEN", "ghp_s3cret")::get);

    @Test
    void defaultsServeGitHubItsRawAndReleaseAssetHosts() {
        FilesConfig files = loader.defaults().files();

        assertEquals(List.of("https://github.com/", "https://raw.githubusercontent.com/", "https://objects.githubusercontent.com/",
                "https://release-assets.githubusercontent.com/"), files.fileRemotes().stream().map(r -> r.url().toString()).toList());
        assertEquals(64L << 20, files.fileRemotes().get(0).maxBytes());
        assertEquals(10, files.keepVersions());
    }

    @Test
    void readsATokenFromTheEnvironmentAndAPerRemoteLimitAndHidesTheToken() {
        FilesConfig files = loader.fromYaml("""
                files:
                  remotes:
                    - name: github
                      url: "https://github.com"
                      token: ${GITHUB_TOKEN}
                      maxBytes: 2MiB
                """, "test").files();

        FileRemote remote = files.fileRemotes().get(0);
        assertEquals(URI.create("https://github.com/"), remote.url());
        assertEquals(Optional.of("ghp_s3cret"), remote.token());
        assertEquals(2L << 20, remote.maxBytes());
        assertFalse(files.remotes().get(0).toString().contains("ghp_s3cret"), files.remotes().get(0).toString());
        assertFalse(remote.toString().contains("ghp_s3cret"), remote.toString());
    }

    @Test
    void namesTheKeyOfAWrongValue() {
        for (String[] wrong : List.of(
                new String[] {"files:\n  remotes:\n    - {name: a, url: \"https://h/\"}\n    - {name: a, url: \"https://i/\"}\n",
                        "configured twice"},
                new String[] {"files:\n  remotes:\n    - {name: \"a/b\", url: \"https://h/\"}\n", "letters, digits"},
                new String[] {"files:\n  remotes:\n    - {name: a, url: \"ftp://h/\"}\n", "http:// or https://"},
                new String[] {"files:\n  keepVersions: 0\n", "keepVersions"},
                new String[] {"files:\n  ttls:\n    - {pattern: \"(\", ttl: 1m}\n", "not a regular expression"},
                new String[] {"files:\n  maxByte: 5MiB\n", "unknown key"})) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.fromYaml(wrong[0], "test"), wrong[0]);
            assertTrue(e.getMessage().contains("files"), e.getMessage());
            assertTrue(e.getMessage().contains(wrong[1]), e.getMessage());
        }
    }
}
