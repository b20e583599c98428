package io.aicache.proxy.helm;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.UpstreamFailureTranslator;

/** Turns what went wrong with a chart repository upstream into the answer the client gets. */
final class HelmFailures {

    private HelmFailures() {
    }

    static RegistryException toRegistryException(Throwable failure, String repository, String what) {
        String where = what + " of chart repository " + repository;
        return new UpstreamFailureTranslator(ErrorCode.BLOB_UNKNOWN, "upstream", where, where, "helm.maxChartBytes")
                .toRegistryException(failure);
    }
}
