package io.aicache.upstream.credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.aicache.upstream.CredentialsUnavailableException;

/**
 * A Docker config file is the user's (or a Kubernetes secret's): any content is read and looked up, or
 * refused with CredentialsUnavailableException naming the file.
 */
class DockerConfigFileFuzzTest {

    private static final List<String> REGISTRIES = List.of("docker.io", "ghcr.io", "registry.test:5000");
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("docker-config", ".json");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    void lookup(byte[] input) {
        DockerConfigFile config;
        try {
            Files.write(file, input);
            config = DockerConfigFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CredentialsUnavailableException refused) {
            return;
        }
        config.helpersFor(null);
        for (String registry : REGISTRIES) {
            try {
                config.lookup(registry);
                config.helpersFor(registry);
            } catch (CredentialsUnavailableException refused) {
                // An entry it cannot use, named by key.
            }
        }
    }
}
