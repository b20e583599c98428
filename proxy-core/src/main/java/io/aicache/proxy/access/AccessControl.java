package io.aicache.proxy.access;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.model.Repository;
import io.aicache.proxy.config.AccessConfig;
import io.aicache.proxy.http.Exchange;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Access control of the registry listener, built once from {@code access}: the gate the registry API
 * asks and the token service at {@code /token}, sharing the users, the policy and the signing key.
 * Off, the gate lets everything through and there is no token service.
 */
public final class AccessControl {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    private final AccessGate gate;
    private final TokenEndpoint tokens;

    private AccessControl(AccessGate gate, TokenEndpoint tokens) {
        this.gate = gate;
        this.tokens = tokens;
    }

    /**
     * @param checks      where bcrypt runs
     * @param timer       checks the htpasswd file for changes
     * @param upstreamsOf every upstream repository a name as clients write it may stand for
     * @param audit       where decisions are recorded
     */
    public static AccessControl start(AccessConfig config, Path dataDir, Executor checks, ScheduledExecutorService timer,
                                      Function<String, List<Repository>> upstreamsOf, AuditLog audit) {
        if (!config.restricts()) {
            if (config.enabled()) {
                LOG.warn("access.enabled is true but there are no access.rules and no access.anonymous patterns:"
                        + " everyone may pull everything");
            }
            return new AccessControl(AccessGate.OPEN, null);
        }
        HtpasswdUsers users = new HtpasswdUsers(config.htpasswd(), checks);
        long every = config.checkEvery().toMillis();
        timer.scheduleWithFixedDelay(users::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
        AccessPolicy policy = new AccessPolicy(config);
        TokenService service = new TokenService(TokenKey.resolve(config.tokenKey(), dataDir), config.tokenTtl(),
                Clock.systemUTC());
        LOG.info("access control on: {} rules, {} anonymous patterns", config.rules().size(), config.anonymous().size());
        return new AccessControl(new AccessGate(policy, users, service, new TokenRealm(config.tokenRealm()), audit),
                new TokenEndpoint(policy, users, service, upstreamsOf, audit));
    }

    /** What the registry API asks before it serves a request. */
    public AccessGate gate() {
        return gate;
    }

    /** Answers {@code request} when it is for the token service (and access control is on); false otherwise. */
    public boolean handle(Exchange exchange, FullHttpRequest request) {
        return tokens != null && tokens.handle(exchange, request);
    }
}
