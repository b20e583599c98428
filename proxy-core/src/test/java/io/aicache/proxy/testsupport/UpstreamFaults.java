package io.aicache.proxy.testsupport;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The faults a {@link FaultyUpstream} is told to inject: each for one reference (a digest
 * or a tag, the last path segment of a blob or manifest request) or for every repository
 * request, optionally only for requests a predicate selects (a method, a {@code Range}), a
 * number of times or until cleared. The first matching rule of a kind wins.
 *
 * <p>Faults come in kinds, and one request may get one of each: a hold before the answer
 * ({@link Fault.Gate} from {@link Fault#holdBeforeAnswer}), a status that replaces the answer,
 * a change to the range a blob answer covers ({@link #shape}), and a spoiled body ({@link #body}).
 */
final class UpstreamFaults {

    static final int FOREVER = Integer.MAX_VALUE;
    /** Selects every request; also the only predicate that matches where the request is not known. */
    static final Predicate<RecordedRequest> EVERY_REQUEST = request -> true;

    private static final List<Class<? extends Fault>> BODY_KINDS = List.of(Fault.Corrupt.class, Fault.CutAfter.class,
            Fault.Stall.class, Fault.Gate.class, Fault.Truncate.class, Fault.OverlongLength.class, Fault.Unframed.class);
    private static final List<Class<? extends Fault>> SHAPE_KINDS = List.of(Fault.IgnoreRange.class,
            Fault.ShiftRange.class, Fault.MisplaceRange.class, Fault.WrongTotal.class);

    private record Rule(String reference, Fault fault, Predicate<RecordedRequest> when, AtomicInteger remaining) {
        boolean matches(String candidate, RecordedRequest request, Predicate<Fault> kind) {
            return kind.test(fault) && (reference == null || reference.equals(candidate)) && remaining.get() > 0
                    && (when == EVERY_REQUEST || request != null && when.test(request));
        }

        /** Takes one use; false when a concurrent request took the last. */
        boolean take() {
            return remaining.getAndUpdate(n -> n == FOREVER || n == 0 ? n : n - 1) > 0;
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    /** @param reference a digest or tag, or {@code null} for every request under {@code /v2/<name>/} */
    void add(String reference, Fault fault, int times) {
        add(reference, fault, EVERY_REQUEST, times);
    }

    /** @param when the requests the fault applies to (the others do not use it up) */
    void add(String reference, Fault fault, Predicate<RecordedRequest> when, int times) {
        rules.add(new Rule(reference, fault, when, new AtomicInteger(times)));
    }

    void clear() {
        rules.clear();
    }

    /** A status fault for {@code reference}, used up by this call. */
    Optional<Fault.Status> status(String reference) {
        return status(reference, null);
    }

    Optional<Fault.Status> status(String reference, RecordedRequest request) {
        return take(reference, request, Fault.Status.class::isInstance).map(Fault.Status.class::cast);
    }

    /** A hold before answering {@code request}, used up by this call. */
    Optional<Fault.Gate> before(String reference, RecordedRequest request) {
        return take(reference, request, fault -> fault instanceof Fault.Gate gate && gate.beforeAnswer())
                .map(Fault.Gate.class::cast);
    }

    /** A fault on the range a blob answer covers, used up by this call. */
    Optional<Fault> shape(String reference, RecordedRequest request) {
        for (Class<? extends Fault> kind : SHAPE_KINDS) {
            Optional<Fault> fault = take(reference, request, kind::isInstance);
            if (fault.isPresent()) {
                return fault;
            }
        }
        return Optional.empty();
    }

    /** A body fault (corrupt, cut, stall...) for {@code reference}, used up by this call. */
    Optional<Fault> body(String reference) {
        return body(reference, null);
    }

    Optional<Fault> body(String reference, RecordedRequest request) {
        for (Class<? extends Fault> kind : BODY_KINDS) {
            Optional<Fault> fault = take(reference, request,
                    candidate -> kind.isInstance(candidate) && !(candidate instanceof Fault.Gate gate && gate.beforeAnswer()));
            if (fault.isPresent()) {
                return fault;
            }
        }
        return Optional.empty();
    }

    private Optional<Fault> take(String reference, RecordedRequest request, Predicate<Fault> kind) {
        for (Rule rule : rules) {
            if (rule.matches(reference, request, kind) && rule.take()) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }
}
