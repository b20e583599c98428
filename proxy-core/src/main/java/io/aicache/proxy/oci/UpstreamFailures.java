package io.aicache.proxy.oci;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;

/** Turns what went wrong with a registry upstream into the answer the client gets. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    /** @param unknown the code for "not there" ({@code BLOB_UNKNOWN} or {@code MANIFEST_UNKNOWN}) */
    static RegistryException toRegistryException(Throwable failure, ErrorCode unknown, Target target, String what) {
        String upstream = "upstream " + target.registryName();
        String where = what + " in " + target.repository();
        return new UpstreamFailureTranslator(unknown, upstream, what, where, null).toRegistryException(failure);
    }
}
