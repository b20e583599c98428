package io.aicache.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A registry's credentials as requests need them: known ones answered at once and never blocking,
 * fresh ones fetched from the {@link CredentialProvider} on the upstream executor when none are known,
 * when they near expiry (ahead of time, while the old ones still serve), and when upstream refuses them.
 * However many requests are refused at once, one fetch runs and all of them share its answer: one
 * refresh per expiry, not one per range of a fill.
 */
public final class CredentialSource {

    /** Credentials are refreshed this share of their lifetime before they expire... */
    private static final int REFRESH_AHEAD_DIVISOR = 5;
    /** ...but no earlier than this before. */
    private static final Duration REFRESH_AHEAD_MAX = Duration.ofMinutes(5);
    /** Credentials are not sent this share of their lifetime (at most {@link #EXPIRY_MARGIN_MAX}) before they expire. */
    private static final int EXPIRY_MARGIN_DIVISOR = 10;
    private static final Duration EXPIRY_MARGIN_MAX = Duration.ofSeconds(10);
    /** After a failed fetch, requests fail with it this long instead of each asking the provider again. */
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    /** Credentials held, with when to refresh them and when to stop sending them (millis; MAX: never). */
    private record Held(Credentials credentials, long refreshAtMillis, long usableUntilMillis) {
    }

    private final CredentialProvider provider;
    private final Executor executor;
    private final Clock clock;
    private volatile Held held;
    private CompletableFuture<Held> inFlight;
    private CompletableFuture<Held> lastFailure;
    private long lastFailureAtMillis;

    /** Credentials {@code provider} issues; fetched on {@code executor} unless they are fixed. */
    public CredentialSource(CredentialProvider provider, Executor executor, Clock clock) {
        this.provider = provider;
        this.executor = executor;
        this.clock = clock;
        if (!provider.renewable()) {
            held = hold(provider.issue());
        }
    }

    /** The kind of credential, as messages name it. */
    public String kind() {
        return provider.kind();
    }

    /** Whether refused credentials can be replaced by others (false for a configured password). */
    public boolean renewable() {
        return provider.renewable();
    }

    /**
     * The credentials known now, if they are not about to expire. Never blocks; when they near expiry a
     * refresh starts in the background and these are still answered.
     */
    public Optional<Credentials> current() {
        Held known = held;
        long now = clock.millis();
        if (known == null || now >= known.usableUntilMillis()) {
            return Optional.empty();
        }
        if (now >= known.refreshAtMillis()) {
            refresh();
        }
        return Optional.of(known.credentials());
    }

    /**
     * Credentials to send: the known ones unless they are about to expire or are {@code refused}, else
     * new ones from the provider.
     */
    public CompletableFuture<Credentials> fresh(Optional<Credentials> refused) {
        Held known = held;
        if (known != null && clock.millis() < known.usableUntilMillis()
                && (!provider.renewable() || !refused.equals(Optional.of(known.credentials())))) {
            return CompletableFuture.completedFuture(known.credentials());
        }
        return refresh().thenApply(Held::credentials);
    }

    private synchronized CompletableFuture<Held> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        if (lastFailure != null && clock.millis() - lastFailureAtMillis < RETRY_AFTER_FAILURE.toMillis()) {
            return lastFailure;
        }
        CompletableFuture<Held> fetch = CompletableFuture.supplyAsync(() -> hold(provider.issue()), executor);
        inFlight = fetch;
        fetch.whenComplete((fetched, failure) -> settle(fetch, fetched, failure));
        return fetch;
    }

    private synchronized void settle(CompletableFuture<Held> fetch, Held fetched, Throwable failure) {
        if (failure == null) {
            held = fetched;
            lastFailure = null;
        } else {
            lastFailure = fetch;
            lastFailureAtMillis = clock.millis();
        }
        inFlight = null;
    }

    private Held hold(IssuedCredentials issued) {
        if (issued.expiresAt().isEmpty()) {
            return new Held(issued.credentials(), Long.MAX_VALUE, Long.MAX_VALUE);
        }
        long now = clock.millis();
        long expiresAt = issued.expiresAt().map(Instant::toEpochMilli).get();
        long lifetime = Math.max(expiresAt - now, 0);
        long refreshAhead = Math.min(lifetime / REFRESH_AHEAD_DIVISOR, REFRESH_AHEAD_MAX.toMillis());
        long margin = Math.min(lifetime / EXPIRY_MARGIN_DIVISOR, EXPIRY_MARGIN_MAX.toMillis());
        return new Held(issued.credentials(), expiresAt - refreshAhead, expiresAt - margin);
    }

    @Override
    public String toString() {
        return "CredentialSource[" + kind() + "]";
    }
}
