package io.aicache.proxy.http;

import io.aicache.model.Tier;

/**
 * What one request was and how it was answered, for the access log and the metrics.
 *
 * @param route      the endpoint kind ({@code manifest}, {@code blob}, {@code tags}, {@code metrics}...)
 * @param registry   the upstream registry, or {@code null} before one was chosen
 * @param tier       where the answer came from, or {@code null} for answers that are not content
 * @param bytes      body bytes sent
 * @param aborted    the connection was closed before the answer was whole
 */
public record RequestRecord(String method, String path, String route, String registry, String repository,
                            String reference, int status, long bytes, Tier tier, long durationNanos,
                            boolean aborted) {
}
