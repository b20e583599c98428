package io.aicache.proxy.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

class OneRequestAtATimeTest {

    @Test
    void pipelinedRequestWaitsUntilTheAnswerBeforeItIsWhole() {
        EmbeddedChannel channel = new EmbeddedChannel(new OneRequestAtATime());
        channel.writeInbound(request("/v2/a"), request("/v2/b"));

        FullHttpRequest first = channel.readInbound();
        assertEquals("/v2/a", first.uri());
        assertNull(channel.readInbound(), "the second request waits");

        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.runPendingTasks();
        assertNull(channel.readInbound(), "a response head alone does not end the answer");

        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        FullHttpRequest second = channel.readInbound();
        assertEquals("/v2/b", second.uri());

        first.release();
        second.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void waitingRequestsAreReleasedWhenTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new OneRequestAtATime());
        FullHttpRequest waiting = request("/v2/b");
        channel.writeInbound(request("/v2/a"), waiting);
        FullHttpRequest first = channel.readInbound();
        first.release();

        assertTrue(waiting.refCnt() > 0);
        channel.close();
        assertEquals(0, waiting.refCnt());
        assertFalse(channel.finishAndReleaseAll());
    }

    private static FullHttpRequest request(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }
}
