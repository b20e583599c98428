package io.aicache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class CredentialSourceTest {

    private final MutableClock clock = new MutableClock();
    /** Fetches the source started, run when the test says. */
    private final List<Runnable> pending = new ArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile boolean failing;

    private final CredentialSource source = new CredentialSource(new CredentialProvider() {
        @Override
        public IssuedCredentials issue() {
            if (failing) {
                throw new CredentialsUnavailableException("token service down");
            }
            int n = issued.incrementAndGet();
            return IssuedCredentials.until(new Credentials("AWS", "token-" + n), clock.instant().plus(Duration.ofHours(12)));
        }

        @Override
        public String kind() {
            return "ecr";
        }
    }, pending::add, clock);

    private void runFetches() {
        List<Runnable> now = new ArrayList<>(pending);
        pending.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void nothingIsKnownUntilTheFirstFetchAndConcurrentCallersShareIt() {
        assertTrue(source.current().isEmpty());
        CompletableFuture<Credentials> a = source.fresh(Optional.empty());
        CompletableFuture<Credentials> b = source.fresh(Optional.empty());
        assertEquals(1, pending.size(), "one fetch for both");
        runFetches();
        assertEquals("token-1", a.join().password());
        assertEquals("token-1", b.join().password());
        assertEquals("token-1", source.current().orElseThrow().password());
    }

    @Test
    void credentialsNearExpiryAreRefreshedAheadWhileTheOldOnesStillServe() {
        source.fresh(Optional.empty());
        runFetches();
        clock.advance(Duration.ofHours(11).plusMinutes(56));
        assertEquals("token-1", source.current().orElseThrow().password(), "still usable within the last five minutes");
        assertEquals(1, pending.size(), "a refresh has started");
        source.current();
        assertEquals(1, pending.size(), "and only one");
        runFetches();
        assertEquals("token-2", source.current().orElseThrow().password());
    }

    @Test
    void credentialsAreNotSentInTheirLastSeconds() {
        source.fresh(Optional.empty());
        runFetches();
        clock.advance(Duration.ofHours(12).minusSeconds(5));
        assertTrue(source.current().isEmpty());
    }

    @Test
    void aRefusalRenewsOnceForEveryRequestRefusedWithTheSameCredentials() {
        source.fresh(Optional.empty());
        runFetches();
        Credentials refused = source.current().orElseThrow();
        List<CompletableFuture<Credentials>> renewals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            renewals.add(source.fresh(Optional.of(refused)));
        }
        assertEquals(1, pending.size());
        runFetches();
        renewals.forEach(renewal -> assertEquals("token-2", renewal.join().password()));
        assertEquals("token-2", source.fresh(Optional.of(refused)).join().password(), "a late refusal of token-1 gets token-2");
        assertEquals(2, issued.get());
    }

    @Test
    void aFailedFetchIsSharedForAWhileThenTriedAgain() {
        failing = true;
        CompletableFuture<Credentials> first = source.fresh(Optional.empty());
        runFetches();
        CompletionException e = assertThrows(CompletionException.class, first::join);
        assertTrue(e.getCause().getMessage().contains("token service down"));
        assertTrue(source.fresh(Optional.empty()).isCompletedExceptionally());
        assertTrue(pending.isEmpty(), "no new fetch within the retry delay");
        failing = false;
        clock.advance(Duration.ofSeconds(6));
        CompletableFuture<Credentials> later = source.fresh(Optional.empty());
        runFetches();
        assertEquals("token-1", later.join().password());
    }

    @Test
    void fixedCredentialsAreKnownAtOnceAndNeverRenewed() {
        CredentialSource fixed = new CredentialSource(new StaticCredentials(new Credentials("u", "p")), pending::add, clock);
        assertFalse(fixed.renewable());
        Credentials known = fixed.current().orElseThrow();
        assertEquals(known, fixed.fresh(Optional.of(known)).join());
        assertTrue(pending.isEmpty());
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
