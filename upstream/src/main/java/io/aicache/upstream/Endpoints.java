package io.aicache.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A registry's endpoints in the order they are tried, each with a health and an authenticator of its own:
 * one endpoint's failures mark only it down, and a token one endpoint's realm handed out is never sent to
 * another. The registry is down only when every endpoint is.
 */
final class Endpoints {

    /** One endpoint and what is known of it. */
    record Endpoint(int index, UpstreamEndpoint address, UpstreamHealth health, Authenticator authenticator) {
    }

    private final List<Endpoint> inOrder;

    /** @param authenticator makes the authenticator of one endpoint; each endpoint gets its own */
    Endpoints(List<UpstreamEndpoint> endpoints, Supplier<UpstreamHealth> health,
              Function<UpstreamEndpoint, Authenticator> authenticator) {
        List<Endpoint> list = new ArrayList<>(endpoints.size());
        for (UpstreamEndpoint endpoint : endpoints) {
            list.add(new Endpoint(list.size(), endpoint, health.get(), authenticator.apply(endpoint)));
        }
        this.inOrder = List.copyOf(list);
    }

    /**
     * The first endpoint from {@code index} on that a request may go to now: one that is up, or whose
     * probe this request is. Empty when every one of them is marked down.
     */
    Optional<Endpoint> firstAdmitted(int index) {
        for (int i = index; i < inOrder.size(); i++) {
            if (inOrder.get(i).health().admit()) {
                return Optional.of(inOrder.get(i));
            }
        }
        return Optional.empty();
    }

    boolean isDown() {
        return inOrder.stream().allMatch(endpoint -> endpoint.health().isDown());
    }

    boolean isChecked() {
        return inOrder.stream().anyMatch(endpoint -> endpoint.health().isChecked());
    }
}
