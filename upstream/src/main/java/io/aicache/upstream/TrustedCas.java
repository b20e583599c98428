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

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS client context that trusts the JDK's CAs and those in a PEM file. */
public final class TrustedCas {

    private TrustedCas() {
    }

    public static SSLContext context(Path caFile) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream jdkCas = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
                trust.load(jdkCas, null);
            }
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(caFile)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("caFile " + caFile + " holds no certificate");
            }
            int i = 0;
            for (Certificate certificate : extra) {
                trust.setCertificateEntry("aicache-ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use caFile " + caFile + ": " + e.getMessage(), e);
        }
    }
}
