package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.aicache.proxy.tls.Certificates;
import io.aicache.proxy.tls.Pem;

/**
 * A test certificate authority and a server certificate it signed for test host names,
 * written as PEM files ({@code ca.pem}, {@code cert.pem}, {@code key.pem}) for servers under
 * test, with an {@link SSLContext} that trusts the CA alone for clients.
 */
public final class TestPki {

    private static final Duration VALIDITY = Duration.ofDays(2);

    private final X509Certificate ca;
    private final X509Certificate server;
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;

    private TestPki(Path dir, List<String> hosts) throws IOException {
        KeyPair caKeys = Certificates.newKeyPair();
        KeyPair serverKeys = Certificates.newKeyPair();
        this.ca = Certificates.selfSignedCa(caKeys, "aicache test CA", VALIDITY);
        this.server = Certificates.server(hosts, serverKeys.getPublic(), ca, caKeys.getPrivate(), VALIDITY);
        Files.createDirectories(dir);
        this.caFile = Files.writeString(dir.resolve("ca.pem"), Pem.write(ca));
        this.certFile = Files.writeString(dir.resolve("cert.pem"), Pem.write(server));
        this.keyFile = Files.writeString(dir.resolve("key.pem"), Pem.write(serverKeys.getPrivate()));
    }

    /** A new CA and a certificate for {@code hosts} (names or IP literals), written under {@code dir}. */
    public static TestPki create(Path dir, String... hosts) {
        try {
            return new TestPki(dir, List.of(hosts));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caFile() {
        return caFile;
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    public X509Certificate serverCertificate() {
        return server;
    }

    /** A client context that trusts this CA and nothing else. */
    public SSLContext clientContext() {
        return trusting(ca);
    }

    /** A client context that trusts {@code ca} and nothing else. */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client TLS context: " + e.getMessage(), e);
        }
    }
}
