package io.aicache.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The CAs an upstream's certificate may chain to: the JDK's, and those in PEM files. */
public final class TrustedCas {

    private TrustedCas() {
    }

    /** A TLS client context that trusts what {@code trust} trusts. */
    public static SSLContext context(TrustManagerFactory trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up a TLS client context: " + e.getMessage(), e);
        }
    }

    /** The JDK's CAs alone. */
    public static TrustManagerFactory jdkTrustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's trusted CAs cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** The JDK's CAs and those in each of {@code caFiles}. */
    public static TrustManagerFactory trustManagers(List<Path> caFiles) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream jdkCas = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
                trust.load(jdkCas, null);
            }
            int i = 0;
            for (Path caFile : caFiles) {
                for (Certificate certificate : certificates(caFile)) {
                    trust.setCertificateEntry("aicache-ca-" + i++, certificate);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use caFile " + caFiles + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("caFile " + caFile + " holds no certificate");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use caFile " + caFile + ": " + e.getMessage(), e);
        }
    }
}
