package io.aicache.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers each connection with a script written against the raw
 * socket, so a test can do what a real server does at the edges: close a kept connection, stay
 * silent, cut a body short.
 */
final class ScriptedServer implements AutoCloseable {

    /** What happens on one connection. */
    @FunctionalInterface
    interface Script {
        void run(Connection connection) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    connections.incrementAndGet();
                    Thread handler = new Thread(() -> {
                        try (socket) {
                            script.run(new Connection(socket));
                        } catch (IOException ignored) {
                            // the client went away: what the test looks at is the client's side
                        }
                    }, "scripted-connection");
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A 200 answer with {@code body} and its length. */
    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** One accepted connection: read a request's head, write raw bytes. */
    static final class Connection {
        private final Socket socket;
        private final InputStream in;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** The next request's head, or null when the client closed the connection. */
        String readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        void write(String text) throws IOException {
            write(text.getBytes(StandardCharsets.US_ASCII));
        }

        void write(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }
    }
}
