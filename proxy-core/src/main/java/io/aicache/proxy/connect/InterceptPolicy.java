package io.aicache.proxy.connect;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.aicache.proxy.config.ProxyConfig;
import io.aicache.proxy.config.UpstreamConfig;

/**
 * What the proxy does with a CONNECT target: intercept it (its host is listed), tunnel it, or
 * refuse it (a port not allowed, or an unlisted host when only listed hosts are served). An
 * intercepted host maps to the upstream registry whose name or endpoint host it is.
 */
final class InterceptPolicy {

    enum Action { INTERCEPT, TUNNEL, REFUSE }

    /** The action, and for a refusal the reason the client is told. */
    record Decision(Action action, String reason) {
    }

    private final Set<String> intercepted;
    private final boolean listedOnly;
    private final Set<Integer> allowedPorts;
    private final Map<String, String> registryByHost = new HashMap<>();

    InterceptPolicy(ProxyConfig config, List<UpstreamConfig.Registry> registries) {
        this.intercepted = Set.copyOf(config.intercept());
        this.listedOnly = config.listedOnly();
        this.allowedPorts = Set.copyOf(config.allowedPorts());
        for (UpstreamConfig.Registry registry : registries) {
            if (registry.isPattern()) {
                continue; // a pattern's hosts are served as the mirror's, not intercepted by name
            }
            // A mirror of many registries (told which by ns) is not the host of any one of them.
            registry.endpointsFor(registry.name()).stream().filter(endpoint -> !endpoint.ns()).forEach(endpoint -> registryByHost
                    .putIfAbsent(endpoint.url().getHost().toLowerCase(Locale.ROOT), registry.name()));
            registryByHost.put(registry.name().toLowerCase(Locale.ROOT), registry.name());
        }
    }

    Decision decide(ConnectTarget target) {
        if (!allowedPorts.contains(target.port())) {
            return new Decision(Action.REFUSE, "port " + target.port() + " is not one this proxy connects to "
                    + allowedPorts.stream().sorted().toList());
        }
        if (intercepted.contains(target.host())) {
            return new Decision(Action.INTERCEPT, null);
        }
        if (listedOnly) {
            return new Decision(Action.REFUSE, target.host() + " is not a registry this proxy serves");
        }
        return new Decision(Action.TUNNEL, null);
    }

    /** The configured registry that {@code host} is, if any. */
    Optional<String> registryFor(String host) {
        return Optional.ofNullable(registryByHost.get(host));
    }
}
