"""The emulator's HTTP server: the gateway (`gateway.Gateway`) behind Alibaba Cloud's RPC wire
protocol over HTTP.

The official Python SDK (alibabacloud-tea-openapi 0.4.x) talks to it as to the real endpoint:
`Config(endpoint="127.0.0.1:PORT", protocol="http", ...)`. `EmulatorServer` puts the gateway
behind a `ThreadingHTTPServer`; `serve_in_thread` starts one for tests.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from ccc_emulator.engine import CccEmulation
from ccc_emulator.http import wire
from ccc_emulator.http.faults import FaultConfig, FaultInjector
from ccc_emulator.http.gateway import Gateway
from ccc_emulator.http.latency import Latency
from ccc_emulator.http.wire import GatewayError, WireRequest, WireResponse

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# A connection whose client sends nothing for this long is closed, and its thread ends.
IDLE_TIMEOUT_SECONDS = 30.0
# Connections served at once (one thread each); further clients wait in the listen queue. As
# many as the most calls cccform lets run at once (`--parallelism 256`) may keep alive: a
# client's idle keep-alive connection holds its slot until it closes.
MAX_CONNECTIONS = 256
# The largest request body read: a flow definition of 1 MiB, percent-encoded, fits.
MAX_BODY_BYTES = 8 * 1024 * 1024
# How long a refused request's unread input is still read and dropped before the socket closes.
LINGER_SECONDS = 2.0
# How often the accepting thread, waiting for a free connection slot, checks for a stop.
_SLOT_POLL_SECONDS = 0.2
_CONTENT_LENGTH = re.compile(r"[0-9]{1,20}")


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK hold every response back by about 40 ms.
    disable_nagle_algorithm = True
    server_version = "cccform-emulator"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # Bounds every read and write: a silent client loses its connection and its thread.
        self.connection.settimeout(self.server.idle_timeout)

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except GatewayError as error:
            self._refuse(error)
            return
        if body is None:
            self.close_connection = True
            return
        headers: dict[str, tuple[str, ...]] = {}
        for name in self.headers:
            headers.setdefault(name.lower(), tuple(self.headers.get_all(name) or ()))
        request = WireRequest.parse(self.command, self.path, headers, body)
        self._send(self.server.gateway(request))

    do_GET = do_POST

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own refusals (request line, headers, method), in the gateway's JSON.
        if code == 501:
            error = wire.method_not_allowed(self.command)
        else:
            error = wire.bad_http(code, message or self.responses[code][0])
        if self.request_version == "HTTP/0.9":
            # An unreadable request line leaves the 0.9 default, which would send no headers.
            self.request_version = "HTTP/1.0"
        self._refuse(error)

    def _refuse(self, error: GatewayError) -> None:
        # What follows a refused request cannot be told from the next one: end the connection.
        self.close_connection = True
        headers = getattr(self, "headers", None)  # absent when the request line was unreadable
        self._send(self.server.gateway.refuse(error, (headers and headers.get("Host")) or ""))
        self._linger()

    def _linger(self) -> None:
        # Closing a socket with unread input sends a reset, which can destroy the refusal before
        # the client reads it: stop writing, then drop what still comes, for a bounded time.
        deadline = time.monotonic() + LINGER_SECONDS
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break

    def _read_body(self) -> bytes | None:
        """The body the headers announce; None if the client left before sending all of it."""
        if self.headers.get("Transfer-Encoding") is not None:
            raise wire.length_required()
        lengths = set(self.headers.get_all("Content-Length") or ())
        if not lengths:
            return b""
        text = lengths.pop().strip()
        if lengths or not _CONTENT_LENGTH.fullmatch(text):
            raise wire.bad_http(400, "Content-Length must be one number of bytes")
        length = int(text)
        if length > MAX_BODY_BYTES:
            raise wire.body_too_large(MAX_BODY_BYTES)
        body = self.rfile.read(length)
        return body if len(body) == length else None

    def _send(self, response: WireResponse) -> None:
        delay = self.server.latency.seconds()
        if delay:
            time.sleep(delay)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.encoded_body()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        gateway: Gateway,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        latency: Latency | None = None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.gateway = gateway
        self.latency = latency or Latency()
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        # The kernel's queue of connections not yet accepted (socketserver's default is 5): a
        # client opening many at once, as cccform does at its parallelism, must not overflow
        # it, or the overflowing handshakes are retried for seconds, then reset.
        self.request_queue_size = max(max_connections, 5)
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Waiting here keeps further clients in the kernel's listen queue, not in threads.
        while not self._slots.acquire(timeout=_SLOT_POLL_SECONDS):
            if self._stopping.is_set():
                super().shutdown_request(request)
                return
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            held = request in self._connections
            self._connections.discard(request)
        if held:
            self._slots.release()
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End idle keep-alive connections, so no handler thread outlives the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away in the middle of a request (a broken pipe, a reset) is
        # not the server's error: no traceback for it.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def stop_waiting(self) -> None:
        """Let the accepting thread give up a wait for a free slot, so shutdown can finish."""
        self._stopping.set()


class EmulatorServer:
    """The gateway behind an HTTP server bound to `host:port` (port 0: a free one).

    `credentials` (access key id -> secret) turns on signature checking. `faults` is a
    `FaultInjector` (shared, adjustable while serving) or a `FaultConfig`. With `owns_engine`,
    `stop` closes the engine too. A connection idle for `idle_timeout` seconds is closed; at
    most `max_connections` are served at once; `latency` delays every answer. Requests the
    gateway cannot read (request line, method, path, headers, a body without Content-Length or
    over `MAX_BODY_BYTES`) are answered with the gateway's JSON error, never an HTML page.
    """

    def __init__(
        self,
        engine: CccEmulation,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        credentials: Mapping[str, str] | None = None,
        faults: FaultInjector | FaultConfig | None = None,
        owns_engine: bool = False,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
        latency: Latency | None = None,
    ) -> None:
        self.engine = engine
        self.faults = (
            faults if isinstance(faults, FaultInjector) else FaultInjector(faults or FaultConfig())
        )
        self.gateway = Gateway(engine, credentials, self.faults)
        self._owns_engine = owns_engine
        self._httpd = _HttpServer(
            (host, port), self.gateway, idle_timeout, max_connections, latency
        )
        self._thread: threading.Thread | None = None
        self._serving = False
        self._stopped = False
        self._lock = threading.Lock()

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """`host:port`, as the SDK's `Config.endpoint` takes it."""
        return self.url.removeprefix("http://")

    def serve_forever(self) -> None:
        """Serve in this thread until `stop` is called from another one."""
        with self._lock:
            if self._stopped:
                return
            self._serving = True
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> EmulatorServer:
        """Serve in a background (daemon) thread; returns self."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the server was stopped")
            self._serving = True
        thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name=f"cccform-emulator:{self.port}",
            daemon=True,
        )
        self._thread = thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections, release the port (and the engine if owned)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            serving = self._serving
        self._httpd.stop_waiting()
        if serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._owns_engine:
            self.engine.close()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    engine: CccEmulation | Path | str,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    credentials: Mapping[str, str] | None = None,
    faults: FaultInjector | FaultConfig | None = None,
    create_seconds: float = 0.0,
    latency: Latency | None = None,
) -> EmulatorServer:
    """Start a server in a background thread, on a free port by default.

    `engine` is an emulation (left open on stop) or a data directory (an emulation is made with
    `create_seconds` and closed on stop). Use the result as a context manager, or call `stop()`;
    `url` and `endpoint` say where it listens.
    """
    owns = not isinstance(engine, CccEmulation)
    emulation = (
        engine
        if isinstance(engine, CccEmulation)
        else CccEmulation(Path(engine), create_seconds=create_seconds)
    )
    try:
        server = EmulatorServer(
            emulation,
            host=host,
            port=port,
            credentials=credentials,
            faults=faults,
            owns_engine=owns,
            latency=latency,
        )
    except BaseException:
        if owns:
            emulation.close()
        raise
    return server.start()
