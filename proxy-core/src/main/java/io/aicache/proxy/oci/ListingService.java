package io.aicache.proxy.oci;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.BlobReference;
import io.aicache.model.Digest;
import io.aicache.model.MediaTypes;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.storage.BlobStore;
import io.aicache.storage.StoredResponse;
import io.aicache.upstream.UpstreamResponse;
import io.aicache.upstream.UpstreamStatusException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The listing endpoints, passed through to upstream: {@code tags/list} (paged with
 * {@code n}, {@code last} and {@code Link}, the link rewritten to the client's path) and
 * {@code referrers} (kept per digest and filter for the tag TTL, and served stale when
 * upstream cannot be reached).
 */
final class ListingService {

    private static final Logger LOG = LoggerFactory.getLogger(ListingService.class);
    private static final long MAX_LISTING_BYTES = 16L << 20;
    private static final Pattern LINK_TARGET = Pattern.compile("<([^>]*)>(.*)");

    private final BlobStore store;
    private final Executor storageExecutor;
    private final Duration ttl;
    private final Clock clock;

    ListingService(BlobStore store, Executor storageExecutor, Duration ttl, Clock clock) {
        this.store = store;
        this.storageExecutor = storageExecutor;
        this.ttl = ttl;
        this.clock = clock;
    }

    void tags(Exchange exchange, Target target, Map<String, List<String>> parameters) {
        CompletableFuture<UpstreamResponse<byte[]>> listing = target.client().tags(target.repository(), parameters,
                MAX_LISTING_BYTES);
        listing.whenComplete((response, failure) -> exchange.onLoop(() -> {
            if (failure != null || !response.isSuccess()) {
                exchange.sendError(UpstreamFailures.toRegistryException(failure != null ? failure : statusOf(target, response),
                        ErrorCode.NAME_UNKNOWN, target, "tag list"));
                return;
            }
            HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE,
                    response.header("Content-Type").orElse("application/json"));
            response.header("Link").map(link -> rewriteLink(link, target)).ifPresent(link -> headers.set("Link", link));
            exchange.sendBytes(HttpResponseStatus.OK, headers, response.body());
        }));
    }

    void referrers(Exchange exchange, Target target, Digest digest, Map<String, List<String>> parameters) {
        List<String> artifactTypes = parameters.getOrDefault("artifactType", List.of());
        boolean filtered = !artifactTypes.isEmpty();
        BlobReference subject = target.repository().blob(digest);
        Optional<StoredResponse> kept = store.responses().referrers(subject, artifactTypes);
        if (kept.isPresent() && clock.millis() - kept.get().fetchedAtMillis() < ttl.toMillis()) {
            sendReferrers(exchange, kept.get(), filtered);
            return;
        }
        CompletableFuture<UpstreamResponse<byte[]>> listing = target.client().referrers(target.repository(), digest,
                artifactTypes, MAX_LISTING_BYTES);
        listing.whenComplete((response, failure) -> exchange.onLoop(() -> {
            if (failure == null && response.isSuccess()) {
                byte[] body = filtered && response.header("OCI-Filters-Applied").isEmpty()
                        ? ReferrersFilter.byArtifactType(response.body(), artifactTypes)
                        : response.body();
                StoredResponse fresh = new StoredResponse(response.header("Content-Type")
                        .orElse(MediaTypes.OCI_INDEX), body, clock.millis());
                storageExecutor.execute(() -> store.responses().putReferrers(subject, artifactTypes, fresh));
                sendReferrers(exchange, fresh, filtered);
            } else if (kept.isPresent() && (failure != null || response.status() >= 500 || response.status() == 429)) {
                LOG.warn("upstream {} could not list referrers of {}; serving the list fetched {}s ago",
                        target.registryName(), digest, (clock.millis() - kept.get().fetchedAtMillis()) / 1000);
                sendReferrers(exchange, kept.get(), filtered);
            } else {
                exchange.sendError(UpstreamFailures.toRegistryException(failure != null ? failure : statusOf(target, response),
                        ErrorCode.MANIFEST_UNKNOWN, target, "referrers of " + digest));
            }
        }));
    }

    private static void sendReferrers(Exchange exchange, StoredResponse response, boolean filtered) {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        if (filtered) {
            headers.set("OCI-Filters-Applied", "artifactType");
        }
        exchange.sendBytes(HttpResponseStatus.OK, headers, response.body());
    }

    private static UpstreamStatusException statusOf(Target target, UpstreamResponse<?> response) {
        return new UpstreamStatusException(target.registryName(), response.status(), response.headers());
    }

    /** Upstream's next-page link, pointed at the same listing under the client's path (and {@code ns}). */
    static String rewriteLink(String link, Target target) {
        Matcher m = LINK_TARGET.matcher(link.trim());
        if (!m.matches()) {
            return link;
        }
        int question = m.group(1).indexOf('?');
        String query = question < 0 ? "" : m.group(1).substring(question);
        if (target.namespaceEcho() != null) {
            String ns = "ns=" + URLEncoder.encode(target.namespaceEcho(), StandardCharsets.UTF_8);
            query = query.isEmpty() ? "?" + ns : query + "&" + ns;
        }
        return "</v2/" + target.clientPathPrefix() + "/tags/list" + query + ">" + m.group(2);
    }
}
