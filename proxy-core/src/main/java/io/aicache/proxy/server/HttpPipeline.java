package io.aicache.proxy.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The handlers that turn bytes into requests for the application handler, for HTTP/1.1 and
 * for HTTP/2. Both end in the same aggregation, streaming and application handlers: an
 * HTTP/2 stream is converted to the HTTP/1.1 objects the handlers know, so there is one code
 * path for both protocols.
 */
public final class HttpPipeline {

    private static final int MAX_INITIAL_LINE = 8192;
    private static final int MAX_HEADER_BYTES = 16384;
    private static final int MAX_CHUNK = 8192;
    /** A read-only mirror takes no bodies; this only bounds what a stray one may cost. */
    private static final int MAX_REQUEST_BODY = 64 * 1024;
    /** Streams one HTTP/2 client may have open at once (containerd pulls a few layers in parallel). */
    private static final int MAX_CONCURRENT_STREAMS = 128;

    private HttpPipeline() {
    }

    /** HTTP/1.1: codec, aggregation, answers in request order, streaming, then {@code application}. */
    public static void http1(ChannelPipeline pipeline, ChannelHandler application) {
        pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CHUNK))
                .addLast("aggregate", new RequestAggregator(MAX_REQUEST_BODY))
                .addLast("in-order", new OneRequestAtATime())
                .addLast("stream", new ChunkedWriteHandler())
                .addLast("app", application);
    }

    /** HTTP/2: frames, then one child channel per stream with the same handlers as HTTP/1.1 after the codec. */
    public static void http2(ChannelPipeline pipeline, ChannelHandler application) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_BYTES);
        pipeline.addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings).build())
                .addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        // One request per stream: nothing to keep in order.
                        stream.pipeline()
                                .addLast("http", new Http2StreamFrameToHttpObjectCodec(true))
                                .addLast("aggregate", new RequestAggregator(MAX_REQUEST_BODY))
                                .addLast("stream", new ChunkedWriteHandler())
                                .addLast("app", application);
                    }
                }));
    }
}
