"""The emulator's HTTP server: the CCC emulation behind Alibaba Cloud's RPC wire protocol.

The official Python SDK (alibabacloud-tea-openapi 0.4.x) talks to it as to the real endpoint:
`Config(endpoint="127.0.0.1:PORT", protocol="http", ...)`. Requests are routed on the API
version (ccc-api.md §4):

| version      | product     | answered by                                                   |
|--------------|-------------|---------------------------------------------------------------|
| `2020-07-01` | CCC         | `CccEmulation.handle`; `{RequestId, Code, Message, ..., Data}` |
| `2017-12-14` | BSS OpenAPI | `bss.BssOpenApi` (QA as a change-configuration order)         |
| `2015-04-01` | STS         | `sts.Sts` (`GetCallerIdentity`)                               |

`Gateway` is the transport-independent part: signature check (`signature.SignatureChecker`),
routing, fault injection (`faults.FaultInjector`) and the response envelopes. `EmulatorServer`
puts it behind a `ThreadingHTTPServer`; `serve_in_thread` starts one for tests.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Mapping
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from cccform.emulation import wire
from cccform.emulation.bss import BssOpenApi
from cccform.emulation.engine import CccEmulation
from cccform.emulation.faults import Fault, FaultConfig, FaultInjector
from cccform.emulation.signature import Caller, SignatureChecker
from cccform.emulation.sts import Sts
from cccform.emulation.wire import GatewayError, WireRequest, WireResponse
from cccform.errors import ApiError

log = logging.getLogger(__name__)

CCC_VERSION = "2020-07-01"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_HOST_ID = "ccc.cn-shanghai.aliyuncs.com"


class Product(Protocol):
    """One API product behind the gateway, answering in its own envelope."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def actions(self) -> frozenset[str]: ...

    def handle(
        self, action: str, params: Mapping[str, str], request_id: str, caller: Caller
    ) -> WireResponse: ...

    def internal_error(self, request_id: str) -> WireResponse: ...


class CccApi:
    """CCC 2020-07-01: every action goes to the engine; answers in CCC's envelope."""

    name = "Ccc"
    version = CCC_VERSION

    def __init__(self, engine: CccEmulation) -> None:
        self._engine = engine

    @property
    def actions(self) -> frozenset[str]:
        # Read on every request: operations added to the engine are served at once.
        return self._engine.actions

    def handle(
        self, action: str, params: Mapping[str, str], request_id: str, caller: Caller
    ) -> WireResponse:
        try:
            data = self._engine.handle(action, params)
        except ApiError as error:
            return self.error(request_id, error.code, error.api_message, error.http_status)
        except Exception:
            log.exception("the engine failed on %s (request %s)", action, request_id)
            return self.internal_error(request_id)
        body: dict[str, Any] = {
            "RequestId": request_id,
            "Code": "OK",
            "Message": "",
            "HttpStatusCode": 200,
        }
        if data is not None:
            body["Data"] = data
        return WireResponse(200, body)

    @classmethod
    def internal_error(cls, request_id: str) -> WireResponse:
        message = "An internal error occurred in the service."
        return cls.error(request_id, "InternalService.Common", message, 500)

    @staticmethod
    def error(request_id: str, code: str, message: str, status: int) -> WireResponse:
        body = {
            "RequestId": request_id,
            "Code": code,
            "Message": message,
            "HttpStatusCode": status,
        }
        return WireResponse(status, body)


class Gateway:
    """Turns one `WireRequest` into one `WireResponse`, as Alibaba Cloud's gateway would.

    Order: signature (no fault ever hides a signature error), version, action, then the fault
    draw, the product call, and a commit-then-fail fault if one was drawn.
    """

    def __init__(
        self,
        engine: CccEmulation,
        credentials: Mapping[str, str] | None = None,
        faults: FaultInjector | None = None,
        checker: SignatureChecker | None = None,
    ) -> None:
        self.engine = engine
        self.faults = faults if faults is not None else FaultInjector()
        self.checker = checker if checker is not None else SignatureChecker(credentials)
        products: list[Product] = [CccApi(engine), BssOpenApi(engine), Sts(engine)]
        self.products: dict[str, Product] = {product.version: product for product in products}

    def __call__(self, request: WireRequest) -> WireResponse:
        request_id = wire.new_request_id()
        try:
            response = self._answer(request, request_id)
        except Exception:
            log.exception("the emulator failed on request %s", request_id)
            response = wire.internal_error().response(request_id, self._host_id(request), "Ccc")
        headers = {**response.headers, "x-acs-request-id": request_id}
        return replace(response, headers=headers)

    def _answer(self, request: WireRequest, request_id: str) -> WireResponse:
        product = self.products.get(request.version or "")
        product_name = product.name if product is not None else "Ccc"
        try:
            caller = self.checker.check(request)
            product, action = self._route(request)
        except GatewayError as error:
            return error.response(request_id, self._host_id(request), product_name)
        fault = self.faults.draw(fault_key(product, action))
        if fault is not None and fault.before_commit:
            return self._fault_response(fault, product, request, request_id)
        response = product.handle(action, request.params, request_id, caller)
        if fault is not None and response.status < 300:
            log.info("committed %s (request %s), then failing: %s", action, request_id, fault.kind)
            if fault.kind == "drop":
                return WireResponse.dropped()
            return replace(product.internal_error(request_id), status=fault.status)
        return response

    def _route(self, request: WireRequest) -> tuple[Product, str]:
        disagreement = request.disagreement()
        if disagreement is not None:
            raise wire.incomplete_signature(disagreement)
        version = request.version
        if not version:
            raise wire.missing_parameter("Version")
        product = self.products.get(version)
        if product is None:
            raise wire.invalid_version(version)
        action = request.action
        if not action:
            raise wire.missing_parameter("Action")
        if action not in product.actions:
            raise wire.action_not_found(action)
        return product, action

    def _fault_response(
        self, fault: Fault, product: Product, request: WireRequest, request_id: str
    ) -> WireResponse:
        host_id = self._host_id(request)
        if fault.kind == "throttle":
            error = wire.throttled(fault.status, fault.retry_after)
            return error.response(request_id, host_id, product.name)
        if fault.status == 503:
            return wire.service_unavailable().response(request_id, host_id, product.name)
        return replace(product.internal_error(request_id), status=fault.status)

    @staticmethod
    def _host_id(request: WireRequest) -> str:
        return request.host or DEFAULT_HOST_ID


def fault_key(product: Product, action: str) -> str:
    """The name faults know an action by: CCC's bare (`CreateInstance`), others qualified with
    their product (`BssOpenApi:ModifyInstance`, `Sts:GetCallerIdentity`)."""
    return action if product.version == CCC_VERSION else f"{product.name}:{action}"


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
