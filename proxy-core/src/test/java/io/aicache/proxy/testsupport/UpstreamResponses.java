package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Writes a {@link FaultyUpstream}'s answers: JSON errors, bodies (with an optional body
 * fault), and HEAD answers that carry the length of the body they leave out.
 */
final class UpstreamResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamResponses() {
    }

    /** Signals that the answer was cut on purpose: the server closes the connection. */
    static final class ConnectionCut extends IOException {
        ConnectionCut(long sent) {
            super("FaultyUpstream cut the body after " + sent + " bytes");
        }
    }

    static void error(HttpExchange exchange, int status, String code, String message, Map<String, String> headers)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message);
        json(exchange, status, JSON.writeValueAsBytes(body), headers);
    }

    static void json(HttpExchange exchange, int status, byte[] body, Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, headers, body, null);
    }

    /**
     * Sends {@code body} (for HEAD only its length), spoiled by {@code fault} when there is one:
     * corrupted, cut short (the connection is dropped), stalled or held at a gate, truncated
     * with a matching length, announced longer than it is, or sent chunked with no length.
     */
    static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body, Fault fault)
            throws IOException {
        headers.forEach(exchange.getResponseHeaders()::set);
        if (exchange.getRequestMethod().equals("HEAD")) {
            // HttpServer sends no length for HEAD by itself; a registry's HEAD must carry it.
            exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        if (fault instanceof Fault.Truncate truncate) {
            int sent = (int) Math.min(truncate.bytes(), body.length);
            exchange.sendResponseHeaders(status, sent == 0 ? -1 : sent);
            exchange.getResponseBody().write(body, 0, sent);
            exchange.close();
            return;
        }
        if (fault instanceof Fault.OverlongLength overlong) {
            exchange.sendResponseHeaders(status, body.length + overlong.extra());
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            out.flush();
            throw new ConnectionCut(body.length);
        }
        if (fault instanceof Fault.Unframed) {
            exchange.sendResponseHeaders(status, 0);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        OutputStream out = exchange.getResponseBody();
        if (fault instanceof Fault.Corrupt && body.length > 0) {
            byte[] spoiled = body.clone();
            spoiled[spoiled.length / 2] ^= (byte) 0xFF;
            out.write(spoiled);
        } else if (fault instanceof Fault.CutAfter cut) {
            int sent = (int) Math.min(cut.bytes(), body.length);
            out.write(body, 0, sent);
            out.flush();
            throw new ConnectionCut(sent);
        } else if (fault instanceof Fault.Stall stall) {
            int first = (int) Math.min(stall.bytes(), body.length);
            out.write(body, 0, first);
            out.flush();
            try {
                stall.hold();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionCut(first);
            }
            out.write(body, first, body.length - first);
        } else if (fault instanceof Fault.Gate gate) {
            int first = (int) Math.min(Math.max(gate.bytes(), 0), body.length);
            out.write(body, 0, first);
            out.flush();
            try {
                gate.hold();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionCut(first);
            }
            out.write(body, first, body.length - first);
        } else {
            out.write(body);
        }
        exchange.close();
    }
}
