package io.aicache.proxy.testsupport;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults a {@link FaultyUpstream} is told to inject: each for one reference (a digest
 * or a tag, the last path segment of a blob or manifest request) or for every repository
 * request, a number of times or until cleared. The first matching rule wins.
 */
final class UpstreamFaults {

    static final int FOREVER = Integer.MAX_VALUE;

    private record Rule(String reference, Fault fault, AtomicInteger remaining) {
        boolean matches(String candidate, Class<? extends Fault> kind) {
            return kind.isInstance(fault) && (reference == null || reference.equals(candidate)) && remaining.get() > 0;
        }

        /** Takes one use; false when a concurrent request took the last. */
        boolean take() {
            return remaining.getAndUpdate(n -> n == FOREVER || n == 0 ? n : n - 1) > 0;
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** @param reference a digest or tag, or {@code null} for every request under {@code /v2/<name>/} */
    void add(String reference, Fault fault, int times) {
        rules.add(new Rule(reference, fault, new AtomicInteger(times)));
    }

    void clear() {
        rules.clear();
    }

    /** A status fault for {@code reference}, used up by this call. */
    Optional<Fault.Status> status(String reference) {
        return take(reference, Fault.Status.class).map(Fault.Status.class::cast);
    }

    /** A body fault (corrupt, cut, stall) for {@code reference}, used up by this call. */
    Optional<Fault> body(String reference) {
        for (Class<? extends Fault> kind : List.of(Fault.Corrupt.class, Fault.CutAfter.class, Fault.Stall.class)) {
            Optional<Fault> fault = take(reference, kind);
            if (fault.isPresent()) {
                return fault;
            }
        }
        return Optional.empty();
    }

    private Optional<Fault> take(String reference, Class<? extends Fault> kind) {
        for (Rule rule : rules) {
            if (rule.matches(reference, kind) && rule.take()) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }
}
