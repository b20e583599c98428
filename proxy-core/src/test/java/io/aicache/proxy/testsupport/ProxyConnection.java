package io.aicache.proxy.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw connection to an HTTP proxy that sends one CONNECT, reads the proxy's answer, and
 * then, when the answer was 200, carries whatever the test writes and reads through the tunnel.
 */
public final class ProxyConnection implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 60_000;

    private final Socket socket;
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final String body;

    private ProxyConnection(InetSocketAddress proxy, String target, String... headerLines) throws IOException {
        socket = new Socket();
        socket.connect(proxy, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        StringBuilder request = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        String[] lines = readHead().split("\r\n");
        status = Integer.parseInt(lines[0].split(" ")[1]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        body = new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Sends {@code CONNECT target} with the given extra header lines and reads the answer's head and body. */
    public static ProxyConnection connect(InetSocketAddress proxy, String target, String... headerLines) throws IOException {
        return new ProxyConnection(proxy, target, headerLines);
    }

    public int status() {
        return status;
    }

    /** A header of the answer, by lower-case name, or {@code null}. */
    public String header(String name) {
        return headers.get(name);
    }

    public String body() {
        return body;
    }

    public InputStream in() throws IOException {
        return socket.getInputStream();
    }

    public OutputStream out() throws IOException {
        return socket.getOutputStream();
    }

    private String readHead() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the proxy closed the connection before its answer's head ended: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.length() - end.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
