package io.aicache.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.aicache.proxy.testsupport.AwsCredentialsProperties;
import io.aicache.proxy.testsupport.EcrApiServer;
import io.aicache.proxy.testsupport.StsApiServer;
import io.aicache.upstream.CredentialProvider;
import io.aicache.upstream.Credentials;
import io.aicache.upstream.CredentialsUnavailableException;
import io.aicache.upstream.IssuedCredentials;

/**
 * The {@code ecr} kind against a loopback server speaking the ECR API's JSON 1.1 protocol, with the SDK
 * pointed at it by the endpoint override and static AWS credentials given to its default chain.
 */
class EcrCredentialsTest {

    private static final String REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Instant EXPIRES_AT = Instant.now().plus(12, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    private final EcrApiServer ecr = new EcrApiServer("ecr-password-1", EXPIRES_AT);
    private final AwsCredentialsProperties aws = AwsCredentialsProperties.set(ACCESS_KEY, SECRET_KEY);

    @AfterEach
    void stop() {
        aws.close();
        ecr.close();
    }

    private CredentialProvider provider(String region, String registry) {
        return new CredentialsConfig.Ecr(region, ecr.endpoint(), null).provider(registry);
    }

    @Test
    void theTokenIsIssuedAsAwsAndItsPasswordUntilItExpires() {
        IssuedCredentials issued = provider(null, REGISTRY).issue();

        assertEquals(new Credentials("AWS", "ecr-password-1"), issued.credentials());
        assertEquals(Optional.of(EXPIRES_AT), issued.expiresAt());
    }

    @Test
    void theRequestIsGetAuthorizationTokenSignedForEcrInTheRegionOfTheHost() {
        provider(null, REGISTRY).issue();

        EcrApiServer.Request request = ecr.requests().get(0);
        assertEquals(EcrApiServer.TARGET, request.header("X-Amz-Target"));
        assertEquals("application/x-amz-json-1.1", request.header("Content-Type"));
        assertSignedFor("eu-west-1", request);
    }

    @Test
    void aConfiguredRegionWinsOverTheHosts() {
        provider("us-east-2", REGISTRY).issue();

        assertSignedFor("us-east-2", ecr.requests().get(0));
    }

    @Test
    void aRegistryInChinaOrBehindFipsIsAskedInItsRegion() {
        provider(null, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn").issue();
        provider(null, "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com").issue();

        assertSignedFor("cn-north-1", ecr.requests().get(0));
        assertSignedFor("us-gov-west-1", ecr.requests().get(1));
    }

    @Test
    void oneProviderAsksAgainAtEachIssue() {
        CredentialProvider provider = provider(null, REGISTRY);
        provider.issue();
        ecr.issue("ecr-password-2", EXPIRES_AT);

        assertEquals("ecr-password-2", provider.issue().credentials().password());
        assertEquals(2, ecr.requests().size());
    }

    @Test
    void aRefusalByIamIsUnavailableCredentialsNamingEcrTheRegionAndTheReasonWithoutSecrets() {
        ecr.deny();

        CredentialsUnavailableException e = assertThrows(CredentialsUnavailableException.class,
                () -> provider(null, REGISTRY).issue());

        assertTrue(e.getMessage().startsWith("Amazon ECR (eu-west-1) GetAuthorizationToken failed"), e.getMessage());
        assertTrue(e.getMessage().contains("ecr:GetAuthorizationToken"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET_KEY), "the AWS secret is never in a message");
        assertEquals(1, ecr.requests().size(), "an access denial is not retried");
    }

    @Test
    void aServiceAccountsWebIdentityTokenIsExchangedAtStsAndSignsTheRequest(@TempDir Path dir) throws IOException {
        aws.close();
        Path token = Files.writeString(dir.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.service-account.token");
        try (StsApiServer sts = new StsApiServer("ASIAEXAMPLE", "sts-session-token");
             AwsCredentialsProperties irsa = AwsCredentialsProperties.webIdentity(token,
                     "arn:aws:iam::123456789012:role/aicache", sts.endpoint())) {
            IssuedCredentials issued = provider(null, REGISTRY).issue();

            assertEquals("ecr-password-1", issued.credentials().password());
            Map<String, String> assume = sts.requests().get(0);
            assertEquals("AssumeRoleWithWebIdentity", assume.get("Action"));
            assertEquals("arn:aws:iam::123456789012:role/aicache", assume.get("RoleArn"));
            assertEquals("eyJhbGciOiJSUzI1NiJ9.service-account.token", assume.get("WebIdentityToken"));
            EcrApiServer.Request request = ecr.requests().get(0);
            assertTrue(request.header("Authorization").startsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/"),
                    request.header("Authorization"));
            assertEquals("sts-session-token", request.header("X-Amz-Security-Token"));
        }
    }

    private static void assertSignedFor(String region, EcrApiServer.Request request) {
        String authorization = request.header("Authorization");
        Pattern sigV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/[0-9]{8}/" + region
                + "/ecr/aws4_request, SignedHeaders=[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}");
        assertTrue(sigV4.matcher(authorization).matches(), authorization);
    }
}
