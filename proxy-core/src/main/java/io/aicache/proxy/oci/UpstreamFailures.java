package io.aicache.proxy.oci;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;
import io.aicache.upstream.UpstreamStatusException;

/** Turns what went wrong with a registry upstream into the answer the client gets. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** @param unknown the code for "not there" ({@code BLOB_UNKNOWN} or {@code MANIFEST_UNKNOWN}) */
    static RegistryException toRegistryException(Throwable failure, ErrorCode unknown, Target target, String what) {
        String upstream = "upstream " + target.registryName();
        String where = what + " in " + target.repository();
        if (UpstreamFailureTranslator.unwrap(failure) instanceof UpstreamStatusException status && status.status() == 401) {
            // Which kind of credential was refused, never the credential itself.
            return new RegistryException(ErrorCode.UNAUTHORIZED, target.client().credentialKind()
                    .map(kind -> upstream + " refused aicache's credentials (" + kind + ") for " + where)
                    .orElse(upstream + " asks for credentials for " + where + ", and none are configured for it"));
        }
        return new UpstreamFailureTranslator(unknown, upstream, what, where, null).toRegistryException(failure);
    }
}
