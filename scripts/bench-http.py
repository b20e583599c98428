#!/usr/bin/env python3
"""The benchmarks' HTTP clients for large bodies, light enough to share two cores with the servers.

    scripts/bench-http.py get URL TIMEOUT [--sha256]
        One GET. Prints curl's write-out line to stderr, "WRITEOUT code ttfb total size" (seconds
        from the start), and with --sha256 the body's sha256 in hex to stdout. Exits 0 once the
        body has ended, 28 on the timeout, 18 on a short body and 7 when the connection fails,
        as curl does.
    scripts/bench-http.py load URL CONNECTIONS SECONDS
        CONNECTIONS keep-alive connections GET URL over and over for SECONDS. Prints one line:
        "LOAD requests=N bytes=N duration_us=N errors=N" (bytes of bodies read, partial bodies at
        the deadline included; errors: failed connections and answers other than 200).

A body that is not hashed is dropped in the kernel: recv(MSG_TRUNC) on a TCP socket frees the bytes
without copying them out. A client that copies every byte (curl, or wrk's 8 KiB reads) costs the
machine about as much as the server that sends it; on a benchmark's shared two cores that measures
the clients. In a cluster each client has a node of its own. A hashed body is read straight into
one buffer and hashed there (no pipe to a hashing process). Sockets block, with the timeout set in
the kernel (SO_RCVTIMEO), and each read waits for a whole READ (MSG_WAITALL): with Python's own
timeouts every read is a poll and a recv of whatever has come, and 32 threads dropping 64 KiB at a
time spend the run queueing for Python's lock.
"""
import hashlib
import socket
import struct
import sys
import threading
import time
import urllib.parse

READ = 1 << 20


class Answer:
    """One response read from a socket: its status, its Content-Length and the body bytes that came with the head."""

    def __init__(self, sock):
        head = b""
        while b"\r\n\r\n" not in head:
            more = sock.recv(65536)
            if not more:
                raise ConnectionError("the connection closed before the response head")
            head += more
        head, _, self.early_body = head.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        version, status = lines[0].split(b" ", 2)[:2]
        self.status = int(status)
        self.length = None
        self.closes = version == b"HTTP/1.0"
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                self.length = int(value)
            elif name.strip().lower() == b"connection":
                self.closes = value.strip().lower() == b"close"
            elif name.strip().lower() == b"transfer-encoding" and value.strip().lower() != b"identity":
                raise ValueError("a body sent with Transfer-Encoding %s" % value.strip().decode())


def connect(target, timeout):
    sock = socket.create_connection((target.hostname, target.port or 80), timeout=timeout)
    sock.settimeout(None)
    limit = struct.pack("ll", int(timeout), int(timeout % 1 * 1e6))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
    return sock


def request_bytes(target, keep_alive):
    path = target.path + ("?" + target.query if target.query else "")
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: aicache-bench\r\n%s\r\n"
            % (path, target.netloc, "" if keep_alive else "Connection: close\r\n")).encode()


def read_body(sock, answer, sink, hasher, deadline):
    """Reads the body after the head (all of it, or up to the deadline); returns the bytes read."""
    size = len(answer.early_body)
    if hasher:
        hasher.update(answer.early_body)
    view = memoryview(sink)
    while (answer.length is None or size < answer.length) and time.monotonic() < deadline:
        want = READ if answer.length is None else min(READ, answer.length - size)
        if hasher:
            n = sock.recv_into(sink, want, socket.MSG_WAITALL)
            hasher.update(view[:n])
        else:
            n = sock.recv_into(sink, want, socket.MSG_WAITALL | socket.MSG_TRUNC)
        if n == 0:
            break
        size += n
    return size


def get(url, timeout, hashing):
    target = urllib.parse.urlsplit(url)
    start = time.monotonic()
    deadline = start + timeout
    hasher = hashlib.sha256() if hashing else None
    status, ttfb, size, rc = 0, 0.0, 0, 0
    try:
        with connect(target, timeout) as sock:
            sock.sendall(request_bytes(target, keep_alive=False))
            answer = Answer(sock)
            status, ttfb = answer.status, time.monotonic() - start
            size = read_body(sock, answer, bytearray(READ), hasher, deadline)
            if answer.length is not None and size < answer.length:
                rc = 28 if time.monotonic() >= deadline else 18
    except (socket.timeout, BlockingIOError):
        rc = 28
    except (OSError, ValueError) as e:
        print("bench-http: %s" % e, file=sys.stderr)
        rc = 7
    print("WRITEOUT %03d %.6f %.6f %d" % (status, ttfb, time.monotonic() - start, size), file=sys.stderr)
    if hasher:
        print(hasher.hexdigest())
    return rc


def load(url, connections, seconds):
    target = urllib.parse.urlsplit(url)
    request = request_bytes(target, keep_alive=True)
    start = time.monotonic()
    deadline = start + seconds
    totals = {"requests": 0, "bytes": 0, "errors": 0}
    lock = threading.Lock()

    def client():
        sink = bytearray(READ)
        requests = received = errors = 0
        sock = None
        while time.monotonic() < deadline:
            try:
                if sock is None:
                    sock = connect(target, 120)
                sock.sendall(request)
                answer = Answer(sock)
                if answer.status != 200 or answer.length is None:
                    raise ValueError("answer %d, length %s" % (answer.status, answer.length))
                size = read_body(sock, answer, sink, None, deadline)
                received += size
                if size == answer.length:
                    requests += 1
                elif time.monotonic() < deadline:
                    raise ConnectionError("the body ended after %d of %d bytes" % (size, answer.length))
                if answer.closes:
                    sock.close()
                    sock = None
            except (OSError, ValueError):
                errors += 1
                if sock is not None:
                    sock.close()
                sock = None
        if sock is not None:
            sock.close()
        with lock:
            totals["requests"] += requests
            totals["bytes"] += received
            totals["errors"] += errors

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    print("LOAD requests=%d bytes=%d duration_us=%d errors=%d"
          % (totals["requests"], totals["bytes"], elapsed * 1e6, totals["errors"]))
    return 0


def main(args):
    if len(args) >= 3 and args[0] == "get":
        return get(args[1], float(args[2]), "--sha256" in args[3:])
    if len(args) == 4 and args[0] == "load":
        return load(args[1], int(args[2]), float(args[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
