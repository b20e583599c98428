#!/usr/bin/env python3
"""A TCP fault proxy for HTTP/1.1 that cuts every connection after a number of response-body bytes.

    scripts/reset-proxy.py LISTEN_PORT TARGET_HOST:TARGET_PORT BYTE_LIMIT [--fin]

Listens on 127.0.0.1:LISTEN_PORT and relays each connection to TARGET. Requests pass unchanged. In
responses it counts body bytes (response heads are not counted; HEAD, 1xx, 204 and 304 responses
have no body), summed over every response on the connection. It forwards at most BYTE_LIMIT body
bytes (a number, or with a suffix: 64MiB, 512KiB, 1GiB) per connection: when the next body byte
would exceed the limit, it waits until the client has acknowledged everything forwarded, then
resets the client side (RST; with --fin an orderly close instead) and closes the target side. So a
cut always falls inside a response: mid-body, or, when a body ended exactly at the limit, right
after the next response's head. A connection whose bodies stay within the limit is never cut.

One line per connection goes to stderr when it ends:
    reset-proxy: conn=3 cut=yes requests=1 body_bytes=67108864 response_bytes=67109120
and a summary on SIGINT/SIGTERM:
    reset-proxy: connections=17 cuts=16 body_bytes=1073741824
Standard library only (asyncio).
"""
import asyncio
import fcntl
import re
import signal
import socket
import struct
import sys
import termios

READ_SIZE = 256 * 1024
SUFFIXES = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
            "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}


def parse_size(text):
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not match or match.group(2).lower() not in SUFFIXES:
        raise ValueError(f"not a byte count: {text!r} (expected e.g. 67108864 or 64MiB)")
    return int(match.group(1)) * SUFFIXES[match.group(2).lower()]


def parse_head(head):
    """(first line, {lower-case header: value}) of a request or response head."""
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def unacknowledged(sock):
    """Bytes written to a TCP socket that the peer has not acknowledged yet (Linux TIOCOUTQ)."""
    try:
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (OSError, ValueError):
        return 0


class Stats:
    def __init__(self):
        self.connections = 0
        self.cuts = 0
        self.body_bytes = 0

    def summary(self):
        return f"reset-proxy: connections={self.connections} cuts={self.cuts} body_bytes={self.body_bytes}"


class Connection:
    def __init__(self, number, limit, fin, stats):
        self.number = number
        self.limit = limit
        self.fin = fin
        self.stats = stats
        self.methods = []          # methods of requests sent upstream, oldest first (for HEAD responses)
        self.requests = 0
        self.body_bytes = 0        # response-body bytes forwarded on this connection
        self.response_bytes = 0    # every response byte forwarded
        self.cut = False

    async def requests_upstream(self, reader, writer):
        """Relays requests unchanged, noting each request's method."""
        buffer = b""
        body_left = 0
        try:
            while True:
                data = await reader.read(READ_SIZE)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
                buffer += data
                while buffer:
                    if body_left:
                        taken = min(body_left, len(buffer))
                        body_left -= taken
                        buffer = buffer[taken:]
                        continue
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        if len(buffer) > 1 << 20:
                            buffer = b""  # not HTTP as we know it: stop tracking
                        break
                    line, headers = parse_head(buffer[:end])
                    buffer = buffer[end + 4:]
                    self.methods.append(line.split(" ", 1)[0].upper())
                    self.requests += 1
                    body_left = int(headers.get("content-length", "0") or 0)
        except (ConnectionError, OSError, ValueError):
            pass
        finally:
            if not writer.is_closing():
                try:
                    writer.write_eof()
                except (OSError, RuntimeError):
                    pass

    async def responses_downstream(self, reader, writer):
        """Relays responses, counting body bytes, and cuts the connection at the limit."""
        buffer = b""
        head_mode = True
        body_left = 0              # -1: until the connection closes (no length, or chunked)
        try:
            while True:
                if not buffer:
                    buffer = await reader.read(READ_SIZE)
                    if not buffer:
                        break
                if head_mode:
                    end = buffer.find(b"\r\n\r\n")
                    if end < 0:
                        more = await reader.read(READ_SIZE)
                        if not more:
                            writer.write(buffer)
                            break
                        buffer += more
                        continue
                    head = buffer[:end + 4]
                    buffer = buffer[end + 4:]
                    writer.write(head)
                    self.response_bytes += len(head)
                    line, headers = parse_head(head[:-4])
                    parts = line.split(" ", 2)
                    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 200
                    if 100 <= status < 200:
                        continue  # interim response; the request still waits for its final one
                    method = self.methods.pop(0) if self.methods else "GET"
                    if method == "HEAD" or status in (204, 304):
                        body_left = 0
                    elif "chunked" in headers.get("transfer-encoding", "").lower():
                        body_left = -1
                    elif "content-length" in headers:
                        body_left = int(headers["content-length"])
                    else:
                        body_left = -1
                    head_mode = body_left == 0
                    if head_mode:
                        await writer.drain()
                    continue
                allowed = self.limit - self.body_bytes
                if allowed <= 0:
                    await self.flushed(writer)
                    self.cut = True
                    return
                take = len(buffer) if body_left < 0 else min(len(buffer), body_left)
                take = min(take, allowed)
                writer.write(buffer[:take])
                buffer = buffer[take:]
                self.body_bytes += take
                self.response_bytes += take
                if body_left > 0:
                    body_left -= take
                    if body_left == 0:
                        head_mode = True
                await writer.drain()
        except (ConnectionError, OSError):
            pass

    @staticmethod
    async def flushed(writer, timeout=10.0):
        """Waits (bounded) until the client has acknowledged every byte written to it."""
        await writer.drain()
        sock = writer.get_extra_info("socket")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if writer.transport.get_write_buffer_size() == 0 and (sock is None or unacknowledged(sock) == 0):
                return
            await asyncio.sleep(0.005)

    async def run(self, client_reader, client_writer, target_host, target_port):
        try:
            target_reader, target_writer = await asyncio.open_connection(target_host, target_port)
        except OSError as e:
            print(f"reset-proxy: conn={self.number} cannot reach {target_host}:{target_port}: {e}",
                  file=sys.stderr, flush=True)
            client_writer.close()
            return
        up = asyncio.ensure_future(self.requests_upstream(client_reader, target_writer))
        down = asyncio.ensure_future(self.responses_downstream(target_reader, client_writer))
        try:
            await down
            if self.cut:
                up.cancel()
                if not self.fin:
                    sock = client_writer.get_extra_info("socket")
                    if sock is not None:
                        # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client_writer.close()
                target_writer.close()
            else:
                # Upstream finished its side; let the client's side finish too, then close both.
                client_writer.close()
                await asyncio.wait_for(up, timeout=5)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            up.cancel()
        except (ConnectionError, OSError):
            pass
        finally:
            for w in (client_writer, target_writer):
                if not w.is_closing():
                    w.close()
            self.stats.body_bytes += self.body_bytes
            self.stats.cuts += int(self.cut)
            print(f"reset-proxy: conn={self.number} cut={'yes' if self.cut else 'no'} requests={self.requests}"
                  f" body_bytes={self.body_bytes} response_bytes={self.response_bytes}", file=sys.stderr, flush=True)


async def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = {a for a in argv if a.startswith("--")}
    if len(args) != 3 or not flags <= {"--fin"}:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    listen_port = int(args[0])
    target_host, _, target_port = args[1].rpartition(":")
    limit = parse_size(args[2])
    if limit <= 0:
        raise ValueError("BYTE_LIMIT must be positive")
    stats = Stats()
    counter = 0

    async def accept(reader, writer):
        nonlocal counter
        counter += 1
        stats.connections += 1
        await Connection(counter, limit, "--fin" in flags, stats).run(reader, writer, target_host, int(target_port))

    server = await asyncio.start_server(accept, "127.0.0.1", listen_port, reuse_address=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"reset-proxy: 127.0.0.1:{listen_port} -> {target_host}:{target_port}, cutting after {limit} body bytes",
          file=sys.stderr, flush=True)
    async with server:
        await stop.wait()
    print(stats.summary(), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv[1:])))
    except ValueError as e:
        print(f"reset-proxy: {e}", file=sys.stderr)
        sys.exit(2)
