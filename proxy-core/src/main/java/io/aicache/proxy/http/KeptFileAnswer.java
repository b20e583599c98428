package io.aicache.proxy.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.aicache.model.Tier;
import io.aicache.storage.BlobStore;
import io.aicache.storage.StoredBlob;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslHandler;

/**
 * A 200 whose body is a kept blob's file (a chart archive, a file by URL): sent with zero-copy
 * sends while the blob is leased, so eviction cannot take it mid-answer; a blob kept compressed is
 * decompressed first. Its use is counted for eviction.
 */
public final class KeptFileAnswer {

    private KeptFileAnswer() {
    }

    /**
     * On a plain epoll socket, holds the head back until the file follows it (TCP_CORK, as nginx's
     * tcp_nopush): head and body leave in full segments instead of the head in a small one of its own.
     */
    private static EpollSocketChannel cork(Exchange exchange) {
        if (exchange.channel() instanceof EpollSocketChannel socket && exchange.channel().pipeline().get(SslHandler.class) == null) {
            socket.config().setTcpCork(true);
            return socket;
        }
        return null;
    }

    /**
     * Sends {@code blob} with {@code headers} (a {@code Content-Type}...); false when its file could not be
     * opened or read (it vanished: the caller fetches it again) and nothing was sent.
     */
    public static boolean send(Exchange exchange, BlobStore store, StoredBlob blob, HttpHeaders headers) {
        if (blob.record().compressed()) {
            Optional<byte[]> bytes = store.readSmall(blob);
            if (bytes.isEmpty()) {
                return false;
            }
            exchange.tier(Tier.DISK);
            store.accesses().touched(blob.record().digest());
            exchange.sendBytes(HttpResponseStatus.OK, new DefaultHttpHeaders().add(headers), bytes.get());
            return true;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(blob.file(), StandardOpenOption.READ);
        } catch (IOException e) {
            return false;
        }
        long size = blob.record().size();
        exchange.tier(Tier.DISK);
        store.accesses().touched(blob.record().digest());
        HttpResponse head = exchange.newResponse(HttpResponseStatus.OK);
        head.headers().add(headers).set(HttpHeaderNames.CONTENT_LENGTH, size);
        exchange.write(head);
        if (exchange.isHead()) {
            FileBody.closeQuietly(channel);
        } else {
            BlobStore.Lease lease = store.lease(blob.record().digest());
            EpollSocketChannel corked = cork(exchange);
            exchange.write(FileBody.of(exchange.channel(), channel, 0, size)).addListener(f -> {
                lease.close();
                exchange.sent(f.isSuccess() ? size : 0);
                if (corked != null && corked.isOpen()) {
                    corked.config().setTcpCork(false);
                }
            });
        }
        exchange.end();
        return true;
    }
}
