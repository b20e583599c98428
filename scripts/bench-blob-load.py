#!/usr/bin/env python3
"""A load generator for large bodies: CONNECTIONS keep-alive connections GET one URL over and over for
SECONDS, reading each body into a 4 MiB buffer and dropping it.

    scripts/bench-blob-load.py URL CONNECTIONS SECONDS

Prints one line: "LOAD requests=N bytes=N duration_us=N errors=N" (bytes of bodies read, partial
bodies at the deadline included; errors: failed connections and answers other than 200). wrk reads
8 KiB per system call, which caps it near 1 GB/s on one core and makes every server look alike;
one read of up to 4 MiB per call leaves the server as what is measured.
"""
import http.client
import sys
import threading
import time
import urllib.parse

BUFFER = 4 << 20


def main():
    url, connections, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    target = urllib.parse.urlsplit(url)
    path = target.path + ("?" + target.query if target.query else "")
    start = time.monotonic()
    deadline = start + seconds
    totals = {"requests": 0, "bytes": 0, "errors": 0}
    lock = threading.Lock()

    def client():
        buffer = memoryview(bytearray(BUFFER))
        requests = received = errors = 0
        connection = None
        while time.monotonic() < deadline:
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
                connection.request("GET", path)
                response = connection.getresponse()
                if response.status != 200:
                    errors += 1
                    response.read()
                    continue
                while time.monotonic() < deadline:
                    n = response.readinto(buffer)
                    if n == 0:
                        requests += 1
                        break
                    received += n
                else:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException):
                errors += 1
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()
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


if __name__ == "__main__":
    main()
