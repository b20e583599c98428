package io.aicache.proxy.access;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aicache.model.Repository;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.observe.LoggingSetup;
import io.aicache.proxy.observe.Metrics;

/**
 * One JSON line per access decision on a name anonymous clients may not pull, per login, and per token
 * asked for with credentials: who (the user named, never a password or token), from where, what, and whether it was
 * allowed and why. Where the lines go is {@code logging.auditLog}; each refusal is also counted by reason.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingSetup.AUDIT_LOGGER);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Metrics metrics;
    private final Clock clock;

    public AuditLog(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A pull of {@code reference} in {@code upstream}, which the client named {@code clientName}. */
    void pull(Exchange exchange, Verdict verdict, Repository upstream, String clientName, String reference) {
        count(verdict);
        if (LOG.isInfoEnabled()) {
            write(line("pull", exchange, verdict)
                    .put("registry", upstream.registry())
                    .put("repository", upstream.name())
                    .put("name", clientName)
                    .put("reference", reference));
        }
    }

    /** A check of credentials on {@code /v2/}, as {@code docker login} makes. */
    void login(Exchange exchange, Verdict verdict) {
        count(verdict);
        if (LOG.isInfoEnabled()) {
            write(line("login", exchange, verdict));
        }
    }

    /** A token asked for {@code asked} names, {@code granted} of them granted. */
    void token(Exchange exchange, Verdict verdict, List<String> asked, List<String> granted) {
        count(verdict);
        if (LOG.isInfoEnabled()) {
            ObjectNode line = line("token", exchange, verdict);
            asked.forEach(line.putArray("asked")::add);
            granted.forEach(line.putArray("granted")::add);
            write(line);
        }
    }

    private void count(Verdict verdict) {
        if (!verdict.allowed()) {
            metrics.accessDenial(verdict.reason().label());
        }
    }

    private ObjectNode line(String event, Exchange exchange, Verdict verdict) {
        return JSON.createObjectNode()
                .put("time", clock.instant().toString())
                .put("event", event)
                .put("user", verdict.user())
                .put("client", clientAddress(exchange.channel().remoteAddress()))
                .put("allowed", verdict.allowed())
                .put("reason", verdict.reason().label());
    }

    private static String clientAddress(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    private static void write(ObjectNode line) {
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit line cannot be written as JSON", e);
        }
    }
}
