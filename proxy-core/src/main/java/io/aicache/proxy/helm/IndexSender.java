package io.aicache.proxy.helm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.FileBody;
import io.aicache.proxy.http.RegistryException;
import io.aicache.proxy.http.StreamChunks;
import io.aicache.storage.HelmIndexFiles;
import io.aicache.storage.HelmIndexRecord;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Sends a kept index in the encoding the client takes: the gzip copy as it is kept (with
 * {@code sendfile} where the connection allows) to clients that accept gzip, as Helm does,
 * else the content decompressed from the LZ4 copy as it goes out. Each encoding has its own
 * {@code ETag}; a matching {@code If-None-Match} gets a 304.
 */
final class IndexSender {

    static final String CONTENT_TYPE = "application/x-yaml";

    private final HelmIndexFiles files;

    IndexSender(HelmIndexFiles files) {
        this.files = files;
    }

    void send(Exchange exchange, String repository, IndexService.Answer answer) {
        HelmIndexRecord record = answer.record();
        Optional<Path> gzipped = acceptsGzip(exchange) ? files.gzipped(repository, record.contentSha256()) : Optional.empty();
        String etag = "\"" + record.contentSha256() + (gzipped.isPresent() ? "-gzip" : "") + "\"";
        boolean notModified = exchange.requestHeaderValues(HttpHeaderNames.IF_NONE_MATCH).stream()
                .anyMatch(value -> value.contains(etag));
        Body body;
        try {
            body = notModified ? Body.NONE : gzipped.isPresent() ? gzipBody(exchange, gzipped.get())
                    : identityBody(exchange, repository, record);
        } catch (IOException e) {
            // Replaced by a newer copy between the lookup and now: the client asks again and gets that one.
            exchange.sendError(new RegistryException(ErrorCode.UNAVAILABLE,
                    "the index of chart repository " + repository + " was being replaced; try again"));
            return;
        }
        HttpResponse head = exchange.newResponse(notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK);
        HttpHeaders headers = head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        if (gzipped.isPresent()) {
            headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
        }
        if (answer.staleAge() != null) {
            long seconds = answer.staleAge().toSeconds();
            headers.set(HttpHeaderNames.AGE, seconds).set(HttpHeaderNames.WARNING, "110 aicache \"Response is stale: "
                    + "index last confirmed upstream " + seconds + "s ago; " + shorten(answer.reason()) + "\"");
        }
        exchange.write(head);
        if (body.content() != null) {
            exchange.write(body.content()).addListener(f -> exchange.sent(f.isSuccess() ? body.length() : 0));
        }
        exchange.end();
    }

    private static Body gzipBody(Exchange exchange, Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        if (exchange.isHead()) {
            channel.close();
            return new Body(null, size);
        }
        return new Body(FileBody.of(exchange.channel(), channel, 0, size), size);
    }

    private Body identityBody(Exchange exchange, String repository, HelmIndexRecord record) throws IOException {
        if (exchange.isHead()) {
            return new Body(null, record.size());
        }
        InputStream content = files.open(repository, record.contentSha256());
        return new Body(new StreamChunks(content, record.size()), record.size());
    }

    /** Whether an {@code Accept-Encoding} of the request names gzip with a weight above 0. */
    static boolean acceptsGzip(Exchange exchange) {
        for (String header : exchange.requestHeaderValues(HttpHeaderNames.ACCEPT_ENCODING)) {
            for (String coding : header.split(",")) {
                String[] parts = coding.trim().split(";");
                if (parts[0].trim().equalsIgnoreCase("gzip") && weight(parts) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static double weight(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.startsWith("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private static String shorten(String reason) {
        String text = reason == null ? "" : reason.replace('"', '\'').replaceAll("\\p{Cntrl}", " ");
        return text.length() <= 200 ? text : text.substring(0, 200);
    }

    /** What goes after the head: a file region or chunks (null for none), and the length the head declares. */
    private record Body(Object content, long length) {
        static final Body NONE = new Body(null, 0);
    }
}
