package io.aicache.proxy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code aicache prefetch}: fetches images into a running aicache before anyone pulls them. */
@Command(name = "prefetch", mixinStandardHelpOptions = true,
        description = {"Fetch images into a running aicache before nodes pull them.",
                "Images are written as for docker pull: alpine:3.20, ghcr.io/org/app:1.0, quay.io/org/app@sha256:..."})
final class PrefetchCommand extends AdminCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images to fetch.")
    List<String> images = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", split = ",",
            description = "Platforms of multi-platform images to fetch (default: all), e.g. linux/amd64,linux/arm64.")
    List<String> platforms = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A file of image names, one per line (# comments).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--from-manifest", paramLabel = "FILE",
            description = "A Kubernetes manifest file: fetch the images of its containers.")
    List<Path> manifests = new ArrayList<>();

    @Option(names = "--chart", paramLabel = "REPO/CHART[@VERSION]",
            description = "A chart in one of aicache's chart repositories (helm.repositories): fetch the images its"
                    + " values and templates name (default version: the newest release).")
    List<String> charts = new ArrayList<>();

    @Option(names = "--from-cluster", description = "Fetch the images the pods of a running cluster use (via kubeconfig).")
    boolean fromCluster;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig for --from-cluster (default: $KUBECONFIG, ~/.kube/config).")
    Path kubeconfig;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "With --from-cluster: only this namespace.")
    String namespace;

    @Override
    int run(AdminClient client) {
        Set<String> wanted = new LinkedHashSet<>(images);
        files.forEach(file -> wanted.addAll(ImageSources.fromFile(file)));
        manifests.forEach(file -> wanted.addAll(ImageSources.fromKubernetesManifest(file)));
        charts.forEach(chart -> wanted.addAll(ChartSource.images(client, chart)));
        if (fromCluster) {
            wanted.addAll(KubernetesCluster.connect(kubeconfig).podImages(namespace));
        }
        if (wanted.isEmpty()) {
            err().println("aicache: no images to prefetch: name some, or use --file, --from-manifest, --from-cluster or --chart");
            return 1;
        }
        ObjectNode body = JSON.createObjectNode();
        var imageArray = body.putArray("images");
        wanted.forEach(imageArray::add);
        var platformArray = body.putArray("platforms");
        platforms.forEach(platformArray::add);
        PrefetchDisplay display = new PrefetchDisplay(out(), System.console() != null);
        client.stream("admin/prefetch", body, display);
        out().println(display.summary());
        out().flush();
        return display.anyFailed() ? 1 : 0;
    }
}
