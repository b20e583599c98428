package io.aicache.proxy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parses lines as docker-registry 2.8.2 writes them with {@code log.formatter: text}. */
class RegistryRequestLogTest {

    @Test
    void readsUnquotedUriOfSuccessfulRequest() {
        String line = "time=\"2026-11-24T10:13:46.197121132Z\" level=info msg=\"response completed\""
                + " go.version=go1.19.8 http.request.host=\"127.0.0.1:5998\" http.request.id=2667ac74"
                + " http.request.method=GET http.request.remoteaddr=\"127.0.0.1:52336\" http.request.uri=/v2/"
                + " http.request.useragent=curl/7.88.1 http.response.status=200 http.response.written=2";

        assertEquals(Optional.of(new RegistryRequestLog.CompletedRequest("GET", "/v2/")),
                RegistryRequestLog.parse(line));
    }

    @Test
    void readsQuotedUriOfFailedRequest() {
        String line = "time=\"2026-11-24T10:13:46.2090903Z\" level=error msg=\"response completed with error\""
                + " err.code=\"blob unknown\" err.detail=\"sha256:00\" err.message=\"blob unknown to registry\""
                + " http.request.method=HEAD http.request.remoteaddr=\"127.0.0.1:52348\""
                + " http.request.uri=\"/v2/foo/blobs/sha256:00\" http.response.status=404 vars.name=foo";

        assertEquals(Optional.of(new RegistryRequestLog.CompletedRequest("HEAD", "/v2/foo/blobs/sha256:00")),
                RegistryRequestLog.parse(line));
    }

    @Test
    void ignoresLinesThatAreNotCompletedRequests() {
        String line = "time=\"2026-11-24T10:13:45.182855716Z\" level=info msg=\"listening on 127.0.0.1:5998\""
                + " go.version=go1.19.8 version=2.8.2+ds1";

        assertEquals(Optional.empty(), RegistryRequestLog.parse(line));
    }
}
