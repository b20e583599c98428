package io.aicache.proxy.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;

import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;

import io.aicache.proxy.tls.Pem;

/**
 * The key pair tokens are signed with: an EC P-256 key (ES256) or an RSA key (RS256), read from
 * {@code access.tokenKey} or from {@code <dataDir>/token-key.pem}, which is created (mode 0600) on
 * first start. Only the private key is kept in the file; the public key is derived from it.
 */
public final class TokenKey {

    public static final String FILE_NAME = "token-key.pem";
    private static final Logger LOG = LoggerFactory.getLogger(TokenKey.class);

    private final JWSAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWSVerifier verifier;

    private TokenKey(JWSAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier) {
        this.algorithm = algorithm;
        this.signer = signer;
        this.verifier = verifier;
    }

    /** The key in {@code configured}, or the one kept in {@code dataDir} (created when there is none). */
    public static TokenKey resolve(Path configured, Path dataDir) {
        Path file = configured != null ? configured : dataDir.resolve(FILE_NAME);
        if (configured == null && !Files.exists(file)) {
            create(dataDir, file);
        }
        try {
            return of(Pem.readPrivateKey(file));
        } catch (IOException | GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("cannot use the token key " + file + ": " + e.getMessage(), e);
        }
    }

    static TokenKey of(PrivateKey key) throws GeneralSecurityException, JOSEException {
        if (key instanceof ECPrivateKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new GeneralSecurityException("an EC token key must be on P-256 (ES256)");
            }
            return new TokenKey(JWSAlgorithm.ES256, new ECDSASigner(ec), new ECDSAVerifier(publicOf(ec)));
        }
        if (key instanceof RSAPrivateCrtKey rsa) {
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new TokenKey(JWSAlgorithm.RS256, new RSASSASigner(rsa), new RSASSAVerifier(pub));
        }
        throw new GeneralSecurityException("a token key must be EC P-256 or RSA, not " + key.getAlgorithm());
    }

    JWSAlgorithm algorithm() {
        return algorithm;
    }

    JWSSigner signer() {
        return signer;
    }

    JWSVerifier verifier() {
        return verifier;
    }

    private static ECPublicKey publicOf(ECPrivateKey key) throws GeneralSecurityException {
        org.bouncycastle.math.ec.ECPoint q = EC5Util.convertSpec(key.getParams()).getG().multiply(key.getS()).normalize();
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), key.getParams()));
        return (ECPublicKey) pub;
    }

    private static void create(Path dataDir, Path file) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            Files.createDirectories(dataDir);
            // Owner-only from the start, never readable by others; moved into place whole.
            Path temp = Files.createTempFile(dataDir, FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, Pem.write(keys.getPrivate()), StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("created the token signing key {}", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the token key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an EC P-256 key", e);
        }
    }
}
