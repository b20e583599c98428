package io.aicache.upstream.credentials;

import java.net.URI;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;

/**
 * Which Entra ID identity aicache signs in as, and the SDK credential for it: a service principal's
 * client secret when {@code clientSecret} is set (with its {@code tenantId} and {@code clientId}); a
 * user-assigned managed identity when only {@code clientId} is; otherwise DefaultAzureCredential, which
 * finds what the host offers (AKS workload identity's {@code AZURE_FEDERATED_TOKEN_FILE}, the
 * {@code AZURE_CLIENT_*} variables, the machine's managed identity, a developer's {@code az login}).
 *
 * @param tenantId      the identity's tenant, or null
 * @param clientId      the application (client) ID of a service principal or user-assigned identity, or null
 * @param clientSecret  the service principal's secret, or null
 * @param authorityHost where Entra ID signs in (a sovereign cloud's), or null for the public cloud's
 */
public record AzureIdentity(String tenantId, String clientId, String clientSecret, URI authorityHost) {

    public AzureIdentity {
        if (clientSecret != null && (tenantId == null || clientId == null)) {
            throw new IllegalArgumentException("a client secret needs the tenant ID and client ID it belongs to");
        }
    }

    /** The SDK credential; it talks to Entra ID over the JDK's HTTP client (the SDK's default would bring Netty 4.1). */
    TokenCredential credential() {
        HttpClient http = new JdkHttpClientBuilder().build();
        if (clientSecret != null) {
            ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                    .tenantId(tenantId).clientId(clientId).clientSecret(clientSecret).httpClient(http);
            if (authorityHost != null) {
                builder.authorityHost(authorityHost.toString());
            }
            return builder.build();
        }
        if (clientId != null) {
            return new ManagedIdentityCredentialBuilder().clientId(clientId).httpClient(http).build();
        }
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().httpClient(http);
        if (tenantId != null) {
            builder.tenantId(tenantId);
        }
        if (authorityHost != null) {
            builder.authorityHost(authorityHost.toString());
        }
        return builder.build();
    }

    /** How messages name the identity: never the secret. */
    String describe() {
        if (clientSecret != null) {
            return "client secret of " + clientId;
        }
        return clientId != null ? "managed identity " + clientId : "DefaultAzureCredential";
    }

    @Override
    public String toString() {
        return "AzureIdentity[tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "unset" : "***") + ", authorityHost=" + authorityHost + "]";
    }
}
