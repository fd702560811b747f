"""The emulator's HTTP server: the gateway (`gateway.Gateway`) behind Alibaba Cloud's RPC wire
protocol over HTTP.

The official Python SDK (alibabacloud-tea-openapi 0.4.x) talks to it as to the real endpoint:
`Config(endpoint="127.0.0.1:PORT", protocol="http", ...)`. `EmulatorServer` puts the gateway
behind a `ThreadingHTTPServer`; `serve_in_thread` starts one for tests.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from ccc_emulator.engine import CccEmulation
from ccc_emulator.http.faults import FaultConfig, FaultInjector
from ccc_emulator.http.gateway import Gateway
from ccc_emulator.http.wire import WireRequest

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK hold every response back by about 40 ms.
    disable_nagle_algorithm = True
    server_version = "cccform-emulator"
    sys_version = ""

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.send_error(400, "bad Content-Length")
            return
        body = self.rfile.read(length) if length > 0 else b""
        headers: dict[str, tuple[str, ...]] = {}
        for name in self.headers:
            headers.setdefault(name.lower(), tuple(self.headers.get_all(name) or ()))
        request = WireRequest.parse(self.command, self.path, headers, body)
        response = self.server.gateway(request)
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.encoded_body()
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.gateway = gateway
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End idle keep-alive connections, so no handler thread outlives the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """The gateway behind an HTTP server bound to `host:port` (port 0: a free one).

    `credentials` (access key id -> secret) turns on signature checking. `faults` is a
    `FaultInjector` (shared, adjustable while serving) or a `FaultConfig`. With `owns_engine`,
    `stop` closes the engine too.
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
    ) -> None:
        self.engine = engine
        self.faults = (
            faults if isinstance(faults, FaultInjector) else FaultInjector(faults or FaultConfig())
        )
        self.gateway = Gateway(engine, credentials, self.faults)
        self._owns_engine = owns_engine
        self._httpd = _HttpServer((host, port), self.gateway)
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
        )
    except BaseException:
        if owns:
            emulation.close()
        raise
    return server.start()
