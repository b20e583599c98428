package io.aicache.proxy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.proxy.testsupport.Cli;
import io.aicache.proxy.testsupport.RepositoryFiles;

/**
 * The CI templates in {@code deploy/ci/}, read as their CI systems read them (no CI system runs here). What
 * configures Docker in them is in one of the two forms the Docker daemon tests run ({@code DockerMirrorE2ETest}):
 * the {@code daemon.json} {@code aicache client-config docker} prints, or the {@code --registry-mirror=} flag it
 * names for dockerd's command line (Docker-in-Docker). Each template's check greps for the same mirror.
 */
class CiTemplatesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MIRROR_FLAG = Pattern.compile("--registry-mirror=(\\S+?)\"?$");
    private static final Pattern JENKINS_POD = Pattern.compile("(?s)yaml '''\\n(.*?)'''");
    private static final Pattern MIRRORS_CHECK = Pattern.compile("RegistryConfig\\.Mirrors.*grep -F '?([^' ]+)'?");

    @Test
    void theSelfHostedRunnersDaemonJsonIsWhatClientConfigDockerPrintsAndTheWorkflowChecksIt() throws IOException {
        JsonNode daemonJson = JSON.readTree(RepositoryFiles.read("deploy/ci/github-actions/daemon.json"));
        String mirror = daemonJson.path("registry-mirrors").get(0).asText();
        assertEquals(JSON.readTree(clientConfigDocker(mirror).out()), daemonJson);

        JsonNode workflow = yaml("deploy/ci/github-actions/self-hosted-runner.yml");
        JsonNode job = workflow.path("jobs").path("build");
        assertEquals(List.of("self-hosted", "linux"), texts(job.path("runs-on")));
        assertEquals(List.of(mirror), checkedMirrors(runs(job)));
        assertTrue(RepositoryFiles.read("deploy/ci/github-actions/self-hosted-runner.yml")
                .contains("aicache client-config docker --mirror " + mirror), "the set-up comment names the command");
    }

    @Test
    void theServiceContainerWorkflowMakesBuildKitsConfigurationWithAicachesOwnCommand() throws IOException {
        JsonNode job = yaml("deploy/ci/github-actions/service-container.yml").path("jobs").path("build");
        JsonNode service = job.path("services").path("aicache");
        assertEquals("${{ vars.AICACHE_IMAGE }}", service.path("image").asText());
        assertEquals(List.of("5000:5000"), texts(service.path("ports")));
        assertTrue(service.path("options").asText().contains("--health-cmd \"/usr/local/bin/aicache-healthcheck 5000 /readyz\""),
                service.path("options").asText());

        String generate = runs(job).stream().filter(run -> run.contains("client-config")).findFirst().orElseThrow();
        String arguments = generate.substring(generate.indexOf("client-config"), generate.indexOf(" > buildkitd.toml"));
        Cli.Result result = Cli.run(arguments.split(" "));
        assertEquals(0, result.exitCode(), arguments + ": " + result.err());
        assertTrue(result.out().contains("[registry.\"docker.io\"]\n  mirrors = [\"localhost:5000\"]"), result.out());
        assertTrue(runs(job).stream().anyMatch(run -> run.contains("buildx create") && run.contains("--config buildkitd.toml")
                && run.contains("network=host")), "a builder on the host's network reads the file");
    }

    @Test
    void gitLabsDockerInDockerServiceTakesTheMirrorFlagForTheAicacheService() throws IOException {
        JsonNode job = yaml("deploy/ci/gitlab/.gitlab-ci.yml").path("build");
        List<String> aliases = new ArrayList<>();
        job.path("services").forEach(service -> aliases.add(service.path("alias").asText()));
        assertEquals(List.of("aicache", "docker"), aliases);
        JsonNode dind = job.path("services").get(1);
        assertTrue(dind.path("name").asText().matches("docker:\\d+-dind"), dind.toString());
        String mirror = mirrorOfFlag(texts(dind.path("command")).get(0));
        assertEquals("http://aicache:5000", mirror, "the aicache service by its alias, on the listener's port");
        assertEquals(List.of(mirror), checkedMirrors(texts(job.path("script"))));
        assertEquals("tcp://docker:2375", yaml("deploy/ci/gitlab/.gitlab-ci.yml").path("variables").path("DOCKER_HOST").asText());
    }

    @Test
    void jenkinsKubernetesAgentsRunDockerInDockerWithTheMirrorFlag() throws IOException {
        String jenkinsfile = RepositoryFiles.read("deploy/ci/jenkins/Jenkinsfile");
        Matcher pod = JENKINS_POD.matcher(jenkinsfile);
        assertTrue(pod.find(), "the kubernetes agent's pod YAML");
        JsonNode containers = YAML.readTree(pod.group(1)).path("spec").path("containers");
        JsonNode dind = containers.get(0);
        assertTrue(dind.path("securityContext").path("privileged").asBoolean(), "Docker-in-Docker runs privileged");
        String mirror = mirrorOfFlag(texts(dind.path("args")).get(0));
        assertEquals(List.of(mirror), checkedMirrors(jenkinsfile.lines().toList()));
        assertTrue(jenkinsfile.contains("aicache client-config docker --mirror " + mirror), "machine agents' set-up");
    }

    /** The mirror of a {@code --registry-mirror=} flag, checked to be the flag client-config docker names for it. */
    private static String mirrorOfFlag(String flag) {
        Matcher matcher = MIRROR_FLAG.matcher(flag);
        assertTrue(matcher.find(), "a --registry-mirror= flag: " + flag);
        String mirror = matcher.group(1);
        Cli.Result result = clientConfigDocker(mirror);
        assertTrue(result.err().contains(" --registry-mirror=" + mirror + " "), result.err());
        return mirror;
    }

    private static Cli.Result clientConfigDocker(String mirror) {
        Cli.Result result = Cli.run("client-config", "docker", "--mirror", mirror);
        assertEquals(0, result.exitCode(), result.err());
        return result;
    }

    /** The mirrors the lines' {@code docker info ... RegistryConfig.Mirrors ... grep -F} checks look for. */
    private static List<String> checkedMirrors(List<String> lines) {
        List<String> mirrors = new ArrayList<>();
        for (String line : lines) {
            Matcher check = MIRRORS_CHECK.matcher(line);
            if (check.find()) {
                mirrors.add(check.group(1));
            }
        }
        return mirrors;
    }

    private static List<String> runs(JsonNode job) {
        List<String> runs = new ArrayList<>();
        job.path("steps").forEach(step -> {
            if (step.has("run")) {
                runs.addAll(Arrays.asList(step.path("run").asText().split("\n")));
            }
        });
        return runs;
    }

    private static JsonNode yaml(String file) throws IOException {
        JsonNode document = YAML.readTree(RepositoryFiles.read(file));
        assertTrue(document != null && document.isObject(), file + " is a YAML mapping");
        return document;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
