package io.aicache.proxy.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.model.Digest;
import io.aicache.model.TagReference;
import io.aicache.proxy.config.ConfigException;
import io.aicache.proxy.files.FileHistory;
import io.aicache.proxy.gc.GarbageCollector;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.oci.OciApi;
import io.aicache.proxy.oci.PinnedImages;
import io.aicache.proxy.oci.References;
import io.aicache.proxy.prefetch.ImageReference;
import io.aicache.proxy.prefetch.Prefetcher;
import io.aicache.storage.BlobStore;
import io.aicache.storage.FileRecords;
import io.aicache.storage.FileVersion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The admin API under {@code /admin/}, for the CLI and for automation; every request needs the
 * admin token as a bearer token. Work that walks the index runs on the storage executor.
 *
 * <pre>
 * GET    /admin/stats                      aicache's counters and gauges
 * GET    /admin/images[?prefix=]           kept tags, with what of each image is kept
 * GET    /admin/blobs[?limit=]             kept blobs, most recently used first
 * DELETE /admin/images?image=IMAGE         forgets a tag (gc collects what nothing else references)
 * DELETE /admin/blobs/DIGEST               removes a kept blob
 * GET    /admin/pins                       pinned images
 * POST   /admin/pins      {"image":...}    pins an image
 * DELETE /admin/pins?image=IMAGE           unpins it
 * POST   /admin/prefetch  {"images":[...],"platforms":[...]}   streams progress as JSON lines
 * POST   /admin/gc        {"dryRun":true}  garbage collection, or what it would remove
 * POST   /admin/reload                     reads the configuration again
 * GET    /admin/fills                      fills under way, with their progress
 * GET    /admin/upstreams                  each registry's health and pull budget
 * GET    /admin/history                    the last hour of figures, a sample every 10 s
 * GET    /admin/files                      files kept by URL
 * GET    /admin/files/history?url=URL      a file's versions
 * GET    /admin/files/body?url=URL[&version=N|&at=TIME]   a version's body as upstream served it
 * POST   /admin/files/pins {"url":...,"version":N}        pins a version (gc keeps it)
 * DELETE /admin/files/pins?url=URL&version=N            unpins it
 * </pre>
 */
public final class AdminApi {

    public static final String PREFIX = "/admin/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_BLOB_LIMIT = 1000;

    private final AdminToken token;
    private final BlobStore store;
    private final OciApi oci;
    private final PinnedImages pins;
    private final Prefetcher prefetcher;
    private final GarbageCollector garbageCollector;
    private final ConfigReload reload;
    private final Supplier<Map<String, Object>> stats;
    private final Predicate<String> isConfiguredRegistry;
    private final Executor storageExecutor;
    private final CacheInventory inventory;
    private final LiveStatus live;
    private final FileHistory files;

    public AdminApi(AdminToken token, BlobStore store, OciApi oci, PinnedImages pins,
                    Prefetcher prefetcher, GarbageCollector garbageCollector, ConfigReload reload,
                    Supplier<Map<String, Object>> stats,
                    Predicate<String> isConfiguredRegistry, Executor storageExecutor, CacheInventory inventory,
                    FileHistory files, LiveStatus live) {
        this.token = token;
        this.store = store;
        this.oci = oci;
        this.pins = pins;
        this.prefetcher = prefetcher;
        this.garbageCollector = garbageCollector;
        this.reload = reload;
        this.stats = stats;
        this.isConfiguredRegistry = isConfiguredRegistry;
        this.storageExecutor = storageExecutor;
        this.inventory = inventory;
        this.files = files;
        this.live = live;
    }

    /** Answers the request when it is for the admin API; false when it is not. */
    public boolean handle(Exchange exchange, FullHttpRequest request) {
        String path = exchange.requestPath();
        if (!path.startsWith(PREFIX) && !path.equals("/admin")) {
            return false;
        }
        exchange.route("admin");
        if (!token.admits(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "the admin API needs the admin token: "
                    + "Authorization: Bearer <token> (admin.token, or the admin-token file in the data directory)",
                    Map.of("WWW-Authenticate", "Bearer realm=\"aicache-admin\""));
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String resource = path.length() > PREFIX.length() ? path.substring(PREFIX.length()) : "";
        HttpMethod method = request.method();
        switch (method.name() + " " + (resource.startsWith("blobs/") ? "blobs/" : resource)) {
            case "GET stats" -> sendJson(exchange, stats.get());
            case "GET images" -> later(exchange, () -> inventory.images(parameter(uri, "prefix").orElse("")));
            case "GET blobs" -> later(exchange, () -> inventory.blobs(limit(uri)));
            case "DELETE images" -> later(exchange, () -> forgetTag(required(uri, "image")));
            case "DELETE blobs/" -> removeBlob(exchange, References.requireDigest(resource.substring("blobs/".length())));
            case "GET pins" -> sendJson(exchange, pins.list());
            case "POST pins" -> {
                String image = text(body(request), "image");
                later(exchange, () -> pin(image));
            }
            case "DELETE pins" -> later(exchange, () -> unpin(required(uri, "image")));
            case "POST prefetch" -> prefetch(exchange, body(request));
            case "POST gc" -> {
                boolean dryRun = flag(body(request), "dryRun");
                later(exchange, () -> garbageCollector.collect(dryRun));
            }
            case "POST reload" -> later(exchange, this::reloadConfiguration);
            case "GET fills" -> sendJson(exchange, live.fills());
            case "GET upstreams" -> sendJson(exchange, live.upstreams());
            case "GET history" -> sendJson(exchange, live.history());
            case "GET files" -> later(exchange, files::list);
            case "GET files/history" -> {
                String url = required(uri, "url");
                later(exchange, () -> files.history(files.resolve(url)));
            }
            case "GET files/body" -> fileBody(exchange, required(uri, "url"), parameter(uri, "version").map(AdminApi::number)
                    .orElse(null), parameter(uri, "at").orElse(null));
            case "POST files/pins" -> {
                JsonNode json = body(request);
                String url = text(json, "url");
                int version = number(json.path("version").asText(""));
                later(exchange, () -> files.pin(files.resolve(url), version, true));
            }
            case "DELETE files/pins" -> {
                String url = required(uri, "url");
                int version = number(required(uri, "version"));
                later(exchange, () -> files.pin(files.resolve(url), version, false));
            }
            default -> throw new RegistryException(ErrorCode.ROUTE_UNKNOWN,
                    "no admin endpoint " + method + " " + path);
        }
        return true;
    }

    /** A version's body, as it is: what the URL served then, to apply again. */
    private void fileBody(Exchange exchange, String url, Integer version, String at) {
        CompletableFuture.supplyAsync(() -> {
            FileRecords.FileUrl file = files.resolve(url);
            FileVersion chosen = files.version(file, version, at);
            return Map.entry(chosen, files.body(file, chosen));
        }, storageExecutor).whenComplete((answer, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendError(refusal(failure));
                return;
            }
            FileVersion chosen = answer.getKey();
            exchange.sendBytes(HttpResponseStatus.OK, new DefaultHttpHeaders()
                    .set(HttpHeaderNames.CONTENT_TYPE, chosen.contentType().isEmpty() ? "application/octet-stream" : chosen.contentType())
                    .set("Aicache-File-Version", chosen.number())
                    .set(HttpHeaderNames.ETAG, "\"" + chosen.digest().hex() + "\""), answer.getValue());
        }));
    }

    private static int number(String text) {
        try {
            int number = Integer.parseInt(text);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RegistryException(ErrorCode.REQUEST_INVALID, "version must be a positive number, got '" + text + "'");
    }

    private Map<String, Object> forgetTag(String image) {
        ImageReference reference = image(image);
        if (reference.byDigest()) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "name a tag to forget, not a digest: " + image);
        }
        TagReference tag = oci.target(reference.registry(), reference.repository()).repository().tag(reference.reference());
        if (store.tags().get(tag).isEmpty()) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "no kept tag " + tag);
        }
        store.tags().delete(tag);
        return Map.of("forgotten", tag.toString());
    }

    private void removeBlob(Exchange exchange, Digest digest) {
        later(exchange, () -> switch (store.remove(digest)) {
            case REMOVED -> Map.of("removed", digest.toString());
            case NOT_KEPT -> throw new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not kept");
            case IN_USE -> throw new RegistryException(ErrorCode.CONFLICT,
                    "blob " + digest + " is being sent or filled now; try again when that is done");
        });
    }

    private Map<String, Object> pin(String image) {
        String name = image(image).toString();
        try {
            boolean added = pins.pin(name);
            return Map.of("image", name, "pinned", added ? "now" : "already", "kept", pins.isKept(name));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.NAME_INVALID, e.getMessage());
        }
    }

    private Map<String, Object> unpin(String image) {
        String name = image(image).toString();
        return switch (pins.unpin(name)) {
            case UNPINNED -> Map.of("unpinned", name);
            case NOT_PINNED -> throw new RegistryException(ErrorCode.NAME_UNKNOWN, name + " is not pinned");
            case IN_CONFIGURATION -> throw new RegistryException(ErrorCode.CONFLICT,
                    name + " is pinned in the configuration (storage.pinned); remove it there and reload");
        };
    }

    private void prefetch(Exchange exchange, JsonNode body) {
        List<String> images = strings(body, "images");
        if (images.isEmpty()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "name at least one image: {\"images\":[\"alpine:3.20\"]}");
        }
        images.forEach(this::image);
        PrefetchStream.start(exchange, prefetcher, images, strings(body, "platforms"));
    }

    private ConfigReload.Outcome reloadConfiguration() {
        try {
            return reload.reload();
        } catch (ConfigException | IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "the configuration was not reloaded: " + e.getMessage());
        }
    }

    private ImageReference image(String text) {
        try {
            return ImageReference.parse(text, isConfiguredRegistry);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.NAME_INVALID, e.getMessage());
        }
    }

    /** Runs {@code work} on the storage executor and answers with its result as JSON. */
    private void later(Exchange exchange, Supplier<Object> work) {
        CompletableFuture.supplyAsync(work, storageExecutor).whenComplete((result, failure) -> exchange.onLoop(() -> {
            if (failure == null) {
                sendJson(exchange, result);
            } else {
                exchange.sendError(refusal(failure));
            }
        }));
    }

    private static RegistryException refusal(Throwable failure) {
        if (failure.getCause() instanceof RegistryException refusal) {
            return refusal;
        }
        Throwable cause = failure.getCause() == null ? failure : failure.getCause();
        return new RegistryException(ErrorCode.INTERNAL, "admin request failed: " + cause.getMessage());
    }

    private static void sendJson(Exchange exchange, Object value) {
        byte[] body;
        try {
            body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write admin answer as JSON", e);
        }
        exchange.sendBytes(HttpResponseStatus.OK,
                new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "application/json"), body);
    }

    private static JsonNode body(FullHttpRequest request) {
        String text = request.content().toString(StandardCharsets.UTF_8);
        try {
            JsonNode json = JSON.readTree(text.isBlank() ? "{}" : text);
            if (!json.isObject()) {
                throw new IOException("expected a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "the request body must be a JSON object: " + e.getMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "the request body needs \"" + field + "\" as a string");
        }
        return value.asText();
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID,
                    "\"" + field + "\" must be true or false");
        }
        return value.asBoolean();
    }

    private static List<String> strings(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return List.of();
        }
        List<String> strings = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(item -> {
                if (!item.isTextual()) {
                    throw new RegistryException(ErrorCode.REQUEST_INVALID,
                            "\"" + field + "\" must be a list of strings");
                }
                strings.add(item.asText());
            });
            return strings;
        }
        throw new RegistryException(ErrorCode.REQUEST_INVALID,
                "\"" + field + "\" must be a list of strings");
    }

    private static java.util.Optional<String> parameter(QueryStringDecoder uri, String name) {
        return uri.parameters().getOrDefault(name, List.of()).stream().findFirst();
    }

    private static String required(QueryStringDecoder uri, String name) {
        return parameter(uri, name).filter(value -> !value.isBlank()).orElseThrow(() -> new RegistryException(
                ErrorCode.REQUEST_INVALID, "the query needs ?" + name + "=..."));
    }

    private static int limit(QueryStringDecoder uri) {
        String value = parameter(uri, "limit").orElse(String.valueOf(DEFAULT_BLOB_LIMIT));
        try {
            int limit = Integer.parseInt(value);
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new RegistryException(ErrorCode.REQUEST_INVALID,
                "limit must be a positive number, got '" + value + "'");
    }
}
