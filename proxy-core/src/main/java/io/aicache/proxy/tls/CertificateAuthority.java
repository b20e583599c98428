package io.aicache.proxy.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.aicache.proxy.config.ProxyConfig;

/**
 * aicache's own certificate authority, which signs the certificates of hosts the CONNECT
 * proxy intercepts. Clients trust its certificate ({@code aicache ca export}). Loaded from
 * configured files, or kept under {@code <dataDir>/ca/} and created there the first time,
 * with the key file readable by its owner only.
 */
public final class CertificateAuthority {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final String CERT_FILE = "ca.pem";
    private static final String KEY_FILE = "ca-key.pem";

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** The configured CA, else the one kept under {@code <dataDir>/ca/}. */
    public static CertificateAuthority of(ProxyConfig.CaConfig config, Path dataDir) {
        return config.certFile() != null ? load(config.certFile(), config.keyFile()) : loadOrCreate(dataDir.resolve("ca"));
    }

    /** The CA in {@code certFile} and {@code keyFile} (PEM). */
    public static CertificateAuthority load(Path certFile, Path keyFile) {
        try {
            X509Certificate certificate = Pem.readCertificates(certFile).get(0);
            if (certificate.getBasicConstraints() < 0) {
                throw new IllegalArgumentException(certFile + " is not a CA certificate (no basicConstraints CA:true)");
            }
            return new CertificateAuthority(certificate, Pem.readPrivateKey(keyFile));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot load the proxy CA: " + e.getMessage(), e);
        }
    }

    /** The CA kept in {@code dir}, created there when there is none yet. */
    public static CertificateAuthority loadOrCreate(Path dir) {
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (!Files.exists(certFile)) {
            create(dir, certFile, keyFile);
        }
        return load(certFile, keyFile);
    }

    private static void create(Path dir, Path certFile, Path keyFile) {
        KeyPair keys = Certificates.newKeyPair();
        X509Certificate certificate = Certificates.selfSignedCa(keys, "aicache proxy CA", VALIDITY);
        try {
            Files.createDirectories(dir);
            // The key is written with owner-only permissions from the start, never readable by others.
            Path keyTemp = Files.createTempFile(dir, KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyTemp, Pem.write(keys.getPrivate()), StandardCharsets.US_ASCII);
            Path certTemp = Files.createTempFile(dir, CERT_FILE, ".tmp");
            Files.writeString(certTemp, Pem.write(certificate), StandardCharsets.US_ASCII);
            Files.move(keyTemp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            // The certificate last: its presence says the CA is complete.
            Files.move(certTemp, certFile, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("created the proxy CA in {}; clients must trust {}", dir, certFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the proxy CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM, for clients to trust. */
    public String certificatePem() {
        return Pem.write(certificate);
    }

    /** A server certificate for {@code host} and {@code keys}, signed by this CA. */
    public List<X509Certificate> issue(String host, KeyPair keys, Duration validity) {
        return List.of(Certificates.server(List.of(host), keys.getPublic(), certificate, key, validity), certificate);
    }
}
