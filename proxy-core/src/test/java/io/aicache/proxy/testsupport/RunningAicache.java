package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.model.Repository;
import io.aicache.model.TagReference;
import io.aicache.proxy.Aicache;
import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.config.ConfigLoader;
import io.aicache.proxy.gc.GarbageCollector;
import io.aicache.storage.CacheIndex;
import io.aicache.storage.TagRecord;

/**
 * aicache started in-process on a free loopback port, against the given upstreams, with a
 * data directory of its own (deleted on close). {@link #restart()} stops it and starts it
 * again on the same data directory, for persistence tests; {@link #restartWith} does so with
 * one setting changed, and {@link #backdateTag} makes a kept tag look older than it is.
 */
public final class RunningAicache implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path dataDir;
    private final Map<String, Object> settings;
    private AicacheConfig config;
    private Aicache aicache;

    private RunningAicache(Path dataDir, Map<String, Object> settings, AicacheConfig config) throws InterruptedException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.config = config;
        this.aicache = Aicache.start(config, this::currentSettings);
    }

    /** aicache with one upstream, {@code name}, which is also the default registry. */
    public static RunningAicache against(String name, FaultyUpstream upstream) {
        return builder().upstream(name, upstream.endpoint()).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port><path>}; the port changes on {@link #restart()}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + aicache.address().getPort() + path);
    }

    /** The running instance's prefetcher (the admin API and the CLI drive the same one). */
    public io.aicache.proxy.prefetch.Prefetcher prefetcher() {
        return aicache.prefetcher();
    }

    /** The HTTPS proxy listener's address; fails when the proxy is off. */
    public InetSocketAddress proxyAddress() {
        return aicache.proxyAddress().orElseThrow(() -> new IllegalStateException("the proxy listener is off"));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where a complete blob is kept: {@code blobs/sha256/<first two hex>/<hex>}. */
    public Path blobFile(String digest) {
        String hex = TestBlobs.hexOf(digest);
        return dataDir.resolve("blobs").resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** The files under {@code partial/} (fills under way or left behind). */
    public List<Path> partialFiles() {
        Path partial = dataDir.resolve("partial");
        if (!Files.isDirectory(partial)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(partial)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sum of every sample of Prometheus metric {@code name} (as exposed at {@code /metrics},
     * {@code _total} included for counters) whose labels include {@code labels}, given as
     * {@code key, value} pairs; 0 when there is none.
     */
    public double metric(String name, String... labels) {
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping /metrics", e);
        }
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String sampleLabels = line.startsWith(name + "{") ? line.substring(name.length() + 1, line.lastIndexOf('}')) : "";
            boolean matches = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                matches &= sampleLabels.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The running instance's garbage collector. */
    public GarbageCollector garbageCollector() {
        return aicache.garbageCollector();
    }

    /** Stops aicache and starts it again on the same data directory, reading the settings as they stand. */
    public void restart() throws InterruptedException {
        aicache.close();
        aicache = null;
        config = currentSettings();
        aicache = Aicache.start(config, this::currentSettings);
    }

    /**
     * Stops aicache and starts it again on the same data directory with one setting changed
     * (written with dots, as for {@link Builder#set}).
     */
    public void restartWith(String dottedKey, Object value) throws InterruptedException {
        Builder.put(settings, dottedKey, value);
        restart();
    }

    /** Changes one setting for the next configuration reload, without restarting. */
    public void editConfig(String dottedKey, Object value) {
        Builder.put(settings, dottedKey, value);
    }

    /** The configuration as the settings stand now: what a reload reads. */
    private AicacheConfig currentSettings() {
        return Builder.configOf(settings);
    }

    /** The admin API's token, as aicache created it in the data directory. */
    public String adminToken() {
        try {
            return Files.readString(dataDir.resolve("admin-token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the kept tag {@code registry/repository:tag} look as if upstream last confirmed it
     * {@code by} earlier than it did, so its TTL (or stale window) has passed without waiting:
     * aicache is stopped, the tag's record rewritten in the index, and aicache started again.
     */
    public void backdateTag(String registry, String repository, String tag, Duration by) throws InterruptedException {
        aicache.close();
        aicache = null;
        TagReference key = new Repository(registry, repository).tag(tag);
        try (CacheIndex index = CacheIndex.open(dataDir.resolve("index"), 8L << 20)) {
            TagRecord record = index.tags().get(key).orElseThrow(() -> new AssertionError("aicache keeps no tag " + key));
            index.tags().put(key, record.revalidatedAt(record.validatedAtMillis() - by.toMillis()));
        }
        aicache = Aicache.start(config, this::currentSettings);
    }

    /**
     * Makes the data directory look as one kept before blobs had links to repositories: aicache is
     * stopped, every link dropped from the index, and aicache started again.
     */
    public void forgetLinks() throws InterruptedException {
        aicache.close();
        aicache = null;
        try (CacheIndex index = CacheIndex.open(dataDir.resolve("index"), 8L << 20)) {
            index.blobs().forEach(blob -> index.links().unlinkAll(blob.digest()));
        }
        aicache = Aicache.start(config, this::currentSettings);
    }

    @Override
    public void close() {
        try {
            if (aicache != null) {
                aicache.close();
            }
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is no test failure
        }
    }

    /** Upstreams and settings; anything not set keeps the embedded default. */
    public static final class Builder {
        private final List<Map<String, Object>> registries = new ArrayList<>();
        private final Map<String, Object> settings = new LinkedHashMap<>();
        private String defaultRegistry;

        private Builder() {
            set("server.listen", "127.0.0.1:0");
            set("server.ioThreads", 2);
            set("storage.storageThreads", 2);
            set("storage.indexCache", "8MiB");
            set("upstream.connectTimeout", "5s");
            set("upstream.firstByteTimeout", "30s");
            set("upstream.idleTimeout", "30s");
            // Tests assert what retries achieve, not how long they wait.
            set("fill.retry.initialBackoff", "10ms");
            set("fill.retry.maxBackoff", "100ms");
            // One TTL for every tag, so a test's tagTtl holds whatever its tags are called.
            set("manifests.tagTtls", List.of());
        }

        /** Adds an upstream registry; the first one added is the default unless {@link #defaultRegistry} says otherwise. */
        public Builder upstream(String name, URI endpoint) {
            return upstream(name, endpoint, null, null);
        }

        /** Adds an upstream registry that aicache reaches with Basic credentials. */
        public Builder upstream(String name, URI endpoint, String username, String password) {
            Map<String, Object> registry = new LinkedHashMap<>();
            registry.put("name", name);
            registry.put("endpoint", endpoint.toString());
            if (username != null) {
                registry.put("username", username);
                registry.put("password", password);
            }
            return add(registry);
        }

        /**
         * Adds an upstream registry reached at several endpoints, tried in order: each a URL (a string or
         * {@link URI}) or a map {@code {url, ns}}.
         */
        public Builder upstream(String name, List<?> endpoints) {
            Map<String, Object> registry = new LinkedHashMap<>();
            registry.put("name", name);
            registry.put("endpoints", endpoints.stream().map(e -> e instanceof URI uri ? uri.toString() : e).toList());
            return add(registry);
        }

        private Builder add(Map<String, Object> registry) {
            registries.add(registry);
            if (defaultRegistry == null) {
                defaultRegistry = (String) registry.get("name");
            }
            return this;
        }

        /** Adds an upstream registry reached over HTTPS whose certificate is signed by the CA in {@code caFile}. */
        public Builder upstreamTrusting(String name, URI endpoint, Path caFile) {
            upstream(name, endpoint);
            registries.get(registries.size() - 1).put("caFile", caFile.toString());
            return this;
        }

        /** Adds an upstream registry whose {@code credentials:} block is {@code credentials} ({@code kind} and its keys). */
        public Builder upstreamWithCredentials(String name, URI endpoint, Map<String, Object> credentials) {
            upstream(name, endpoint);
            registries.get(registries.size() - 1).put("credentials", credentials);
            return this;
        }

        public Builder defaultRegistry(String name) {
            this.defaultRegistry = name;
            return this;
        }

        /** Sets one configuration key, written with dots: {@code set("manifests.tagTtl", "0s")}. */
        public Builder set(String dottedKey, Object value) {
            put(settings, dottedKey, value);
            return this;
        }

        @SuppressWarnings("unchecked")
        static void put(Map<String, Object> settings, String dottedKey, Object value) {
            String[] keys = dottedKey.split("\\.");
            Map<String, Object> section = settings;
            for (int i = 0; i < keys.length - 1; i++) {
                section = (Map<String, Object>) section.computeIfAbsent(keys[i], k -> new LinkedHashMap<String, Object>());
            }
            section.put(keys[keys.length - 1], value);
        }

        static AicacheConfig configOf(Map<String, Object> settings) {
            try {
                return new ConfigLoader(name -> null).fromYaml(YAML.writeValueAsString(settings), "test");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the test configuration: " + e.getMessage(), e);
            }
        }

        /** A deep, mutable copy of {@code settings}. */
        @SuppressWarnings("unchecked")
        private static Map<String, Object> copyOf(Map<String, Object> settings) {
            try {
                return YAML.readValue(YAML.writeValueAsString(settings), LinkedHashMap.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot copy the test configuration: " + e.getMessage(), e);
            }
        }

        public RunningAicache start() {
            Path dataDir;
            try {
                dataDir = Files.createTempDirectory("aicache-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            set("storage.dataDir", dataDir.toString());
            set("upstream.defaultRegistry", defaultRegistry);
            set("upstream.registries", registries);
            try {
                Map<String, Object> snapshot = copyOf(settings);
                return new RunningAicache(dataDir, snapshot, configOf(snapshot));
            } catch (RuntimeException e) {
                deleteRecursively(dataDir);
                throw new IllegalStateException("cannot start aicache: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                deleteRecursively(dataDir);
                throw new IllegalStateException("interrupted while starting aicache", e);
            }
        }
    }
}
