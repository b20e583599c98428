package io.aicache.proxy.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.TestPki;

class CertificateAuthorityTest {

    @TempDir
    Path tempDir;

    @Test
    void createsTheCaOnFirstUseWithAnOwnerOnlyKeyAndKeepsIt() throws Exception {
        Path dir = tempDir.resolve("ca");
        CertificateAuthority first = CertificateAuthority.loadOrCreate(dir);
        CertificateAuthority again = CertificateAuthority.loadOrCreate(dir);

        assertEquals(first.certificate(), again.certificate());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))));
        assertTrue(first.certificate().getBasicConstraints() >= 0, "a CA certificate");
        assertEquals(first.certificatePem(), Files.readString(dir.resolve("ca.pem")));
    }

    @Test
    void issuesCertificatesForTheHostSignedByTheCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(tempDir);
        List<X509Certificate> chain = ca.issue("ghcr.io", Certificates.newKeyPair(), Duration.ofDays(1));

        X509Certificate leaf = chain.get(0);
        leaf.verify(ca.certificate().getPublicKey());
        leaf.checkValidity();
        assertEquals(List.of(List.of(2, "ghcr.io")), leaf.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
        assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
        assertEquals(ca.certificate(), chain.get(1));
    }

    @Test
    void loadsConfiguredFilesAndRefusesACertificateThatIsNoCa() {
        CertificateAuthority made = CertificateAuthority.loadOrCreate(tempDir.resolve("made"));
        CertificateAuthority loaded = CertificateAuthority.load(tempDir.resolve("made/ca.pem"), tempDir.resolve("made/ca-key.pem"));
        assertEquals(made.certificate(), loaded.certificate());

        TestPki pki = TestPki.create(tempDir.resolve("pki"), "host.test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CertificateAuthority.load(pki.certFile(), pki.keyFile()));
        assertTrue(e.getMessage().contains("not a CA certificate"), e.getMessage());
    }

    @Test
    void mintsOneContextPerHostAndKeepsIt() {
        MintedCertificates minted = new MintedCertificates(CertificateAuthority.loadOrCreate(tempDir));

        assertSame(minted.contextFor("quay.io"), minted.contextFor("QUAY.io"));
        assertNotSame(minted.contextFor("quay.io"), minted.contextFor("ghcr.io"));
    }
}
