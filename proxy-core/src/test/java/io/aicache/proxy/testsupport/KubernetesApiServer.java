package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The part of the Kubernetes API that lists pods ({@code GET /api/v1/pods}, paged with
 * {@code limit} and {@code continue}), answering for pods with the given container images, and
 * only to the expected bearer token.
 */
public final class KubernetesApiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoopbackHttpServer server = new LoopbackHttpServer("kubernetes-api");
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    /** @param podImages per pod, its containers' images (the first an init container) */
    public KubernetesApiServer(String token, List<List<String>> podImages) {
        server.serve(exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            boolean firstPage = exchange.getRequestURI().getQuery() == null
                    || !exchange.getRequestURI().getQuery().contains("continue=");
            int status;
            ObjectNode body = JSON.createObjectNode();
            if (!("Bearer " + token).equals(authorization)) {
                status = 401;
                body.put("kind", "Status").put("message", "Unauthorized");
            } else if (!exchange.getRequestURI().getPath().equals("/api/v1/pods")) {
                status = 404;
                body.put("kind", "Status").put("message", "not found");
            } else {
                status = 200;
                ArrayNode items = body.put("kind", "PodList").putArray("items");
                // Two pages: the first pod alone, then the rest.
                List<List<String>> page = firstPage ? podImages.subList(0, 1) : podImages.subList(1, podImages.size());
                for (List<String> images : page) {
                    ObjectNode spec = items.addObject().putObject("spec");
                    spec.putArray("initContainers").addObject().put("name", "init").put("image", images.get(0));
                    ArrayNode containers = spec.putArray("containers");
                    images.stream().skip(1).forEach(image -> containers.addObject().put("name", "c").put("image", image));
                }
                body.putObject("metadata").put("continue", firstPage && podImages.size() > 1 ? "page-2" : "");
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            } catch (IOException e) {
                // the client went away
            }
        });
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** The Authorization header of every request, in order. */
    public List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    @Override
    public void close() {
        server.close();
    }
}
