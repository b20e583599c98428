package io.aicache.proxy.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.aicache.upstream.Credentials;

/**
 * The images a running cluster's pods use, read from the Kubernetes API as a kubeconfig
 * reaches it: the current context's server, CA and user (bearer token, token file, Basic, or
 * a client certificate with a PKCS#8 or PKCS#1 RSA key).
 */
final class KubernetesCluster {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final int PAGE = 500;

    private final URI server;
    private final HttpClient http;
    private final String authorization;

    private KubernetesCluster(URI server, HttpClient http, String authorization) {
        this.server = server;
        this.http = http;
        this.authorization = authorization;
    }

    /** @param kubeconfig the file; {@code null}: {@code $KUBECONFIG}, else {@code ~/.kube/config} */
    static KubernetesCluster connect(Path kubeconfig) {
        Path file = kubeconfig != null ? kubeconfig
                : System.getenv("KUBECONFIG") != null ? Path.of(System.getenv("KUBECONFIG").split(":")[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
        try {
            JsonNode config = YAML.readTree(file.toFile());
            String contextName = config.path("current-context").asText("");
            JsonNode context = named(config, "contexts", contextName, file).path("context");
            JsonNode cluster = named(config, "clusters", context.path("cluster").asText(), file).path("cluster");
            JsonNode user = named(config, "users", context.path("user").asText(), file).path("user");
            URI server = URI.create(require(cluster, "server", file).replaceAll("/+$", "") + "/");
            Path base = file.toAbsolutePath().getParent();
            HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (server.getScheme().equals("https")) {
                http.sslContext(tls(cluster, user, base));
            }
            return new KubernetesCluster(server, http.build(), authorization(user, base));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("cannot use kubeconfig " + file + ": " + e.getMessage(), e);
        }
    }

    /** The images of every pod's containers, in {@code namespace} or (null) all namespaces, each once. */
    List<String> podImages(String namespace) {
        Set<String> images = new LinkedHashSet<>();
        String path = namespace == null ? "api/v1/pods" : "api/v1/namespaces/" + encode(namespace) + "/pods";
        String continueToken = "";
        do {
            JsonNode page = get(path + "?limit=" + PAGE + (continueToken.isEmpty() ? "" : "&continue=" + encode(continueToken)));
            page.path("items").forEach(pod -> ImageSources.collectContainerImages(pod.path("spec"), images));
            continueToken = page.path("metadata").path("continue").asText("");
        } while (!continueToken.isEmpty());
        return List.copyOf(images);
    }

    private JsonNode get(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("the Kubernetes API at " + server + " answered " + response.statusCode()
                        + " to listing pods: " + abbreviate(response.body()));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list pods at " + server + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while listing pods", e);
        }
    }

    private static String authorization(JsonNode user, Path base) throws IOException {
        if (user.hasNonNull("token")) {
            return "Bearer " + user.get("token").asText();
        }
        if (user.hasNonNull("tokenFile")) {
            return "Bearer " + Files.readString(base.resolve(user.get("tokenFile").asText())).trim();
        }
        if (user.hasNonNull("username")) {
            return Credentials.basicHeader(user.get("username").asText(), user.path("password").asText());
        }
        if (user.hasNonNull("exec") || user.hasNonNull("auth-provider")) {
            throw new IllegalArgumentException("the user authenticates with an exec or auth-provider plugin; "
                    + "use a kubeconfig with a token or a client certificate");
        }
        return null;
    }

    private static SSLContext tls(JsonNode cluster, JsonNode user, Path base) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManagerFactory trust = null;
        if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
            throw new IllegalArgumentException("insecure-skip-tls-verify is set; give the cluster's CA instead");
        }
        byte[] ca = pemOrFile(cluster, "certificate-authority", base);
        if (ca != null) {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(ca)) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
        }
        KeyManagerFactory keys = null;
        byte[] certificate = pemOrFile(user, "client-certificate", base);
        byte[] key = pemOrFile(user, "client-key", base);
        if (certificate != null && key != null) {
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("client", privateKey(key), new char[0], certificates(certificate).toArray(Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, new char[0]);
        }
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    /** {@code <name>-data} (base64 PEM) or {@code <name>} (a file path), or null when neither is set. */
    private static byte[] pemOrFile(JsonNode node, String name, Path base) throws IOException {
        if (node.hasNonNull(name + "-data")) {
            return Base64.getDecoder().decode(node.get(name + "-data").asText().trim());
        }
        return node.hasNonNull(name) ? Files.readAllBytes(base.resolve(node.get(name).asText())) : null;
    }

    private static List<Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
    }

    private static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        Matcher block = PEM.matcher(new String(pem, StandardCharsets.US_ASCII));
        if (!block.find()) {
            throw new IllegalArgumentException("the client key is not PEM");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        return switch (block.group(1)) {
            case "PRIVATE KEY" -> pkcs8(der);
            case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs1ToPkcs8(der)));
            default -> throw new IllegalArgumentException("client keys of type '" + block.group(1)
                    + "' are not supported; convert it with: openssl pkcs8 -topk8 -nocrypt");
        };
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePrivate(spec);
        }
    }

    /** Wraps a PKCS#1 RSA key in PKCS#8's PrivateKeyInfo: version 0, the rsaEncryption algorithm, the key. */
    private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(rsaAlgorithm);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.write(0x30);
        info.writeBytes(derLength(body.size()));
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        if (length < 0x100) {
            return new byte[] {(byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (length >> 8), (byte) length};
        }
        return new byte[] {(byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
    }

    private static JsonNode named(JsonNode config, String list, String name, Path file) {
        for (JsonNode entry : config.path(list)) {
            if (entry.path("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new IllegalArgumentException("no " + list.substring(0, list.length() - 1) + " named '" + name + "' in " + file);
    }

    private static String require(JsonNode node, String field, Path file) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException("the current context's cluster has no " + field + " in " + file);
        }
        return node.get(field).asText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
