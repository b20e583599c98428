package io.aicache.proxy.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aicache.proxy.http.RequestRecord;

/**
 * One JSON line per request. Only what identifies the content is logged (registry,
 * repository, reference), never headers, so no credential or token reaches the log.
 */
public final class AccessLog {

    static final String LOGGER_NAME = "aicache.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final ObjectMapper JSON = new ObjectMapper();

    public void record(RequestRecord request) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        ObjectNode line = JSON.createObjectNode()
                .put("time", java.time.Instant.now().toString())
                .put("method", request.method())
                .put("path", request.path())
                .put("route", request.route())
                .put("registry", request.registry())
                .put("repository", request.repository())
                .put("reference", request.reference())
                .put("status", request.status())
                .put("bytes", request.bytes())
                .put("tier", request.tier() == null ? null : request.tier().label())
                .put("duration_ms", request.durationNanos() / 1_000_000.0)
                .put("aborted", request.aborted());
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an access log line cannot be written as JSON", e);
        }
    }
}
