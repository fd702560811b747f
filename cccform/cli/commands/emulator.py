"""`cccform emulator serve`: the local CCC emulation as an HTTP server the official SDK can use."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from ccc_emulator.engine import CccEmulation
from ccc_emulator.http.faults import FaultConfig, parse_actions
from ccc_emulator.http.latency import Latency
from ccc_emulator.http.server import DEFAULT_HOST, DEFAULT_PORT, EmulatorServer
from cccform.cli import exit_codes
from cccform.cli.context import Context, pass_context
from cccform.errors import CccformError, UsageError

DEFAULT_DATA_DIR = ".cccform/emulator"
_RATE = click.FloatRange(0.0, 1.0)
_MILLISECONDS = click.FloatRange(0.0, 600_000.0)


@click.group()
def emulator() -> None:
    """Run the CCC emulator as a local endpoint for the Alibaba Cloud SDK."""


@emulator.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to bind to.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on; 0 picks a free one (the listening line tells which).",
)
@click.option(
    "--data",
    "data_dir",
    default=DEFAULT_DATA_DIR,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the emulation's database.",
)
@click.option(
    "--create-seconds",
    type=click.FloatRange(0, 3600),
    default=3.0,
    show_default=True,
    help="How long a new instance stays CREATING.",
)
@click.option("--access-key-id", metavar="ID", help="Require requests signed with this key.")
@click.option("--access-key-secret", metavar="SECRET", help="The secret of --access-key-id.")
@click.option("--fault-seed", type=int, help="Seed for reproducible fault injection.")
@click.option(
    "--throttle-rate", type=_RATE, default=0.0, help="Share of requests answered Throttling.User."
)
@click.option(
    "--throttle-retry-after",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="Throttle with HTTP 429 and x-acs-retry-after: SECONDS (default: 400, no header).",
)
@click.option(
    "--throttle-status",
    type=click.Choice(["400", "429", "503"]),
    help="HTTP status of throttling (default: 400 without retry-after, 429 with).",
)
@click.option(
    "--error-rate",
    type=_RATE,
    default=0.0,
    help="Share of requests failed with 500 InternalService.Common / 503 ServiceUnavailable.",
)
@click.option(
    "--commit-then-fail",
    "commit_then_fail",
    multiple=True,
    metavar="ACTION[,ACTION...]",
    help="Actions carried out, then answered as failed (BSS/STS: BssOpenApi:ModifyInstance).",
)
@click.option(
    "--fault-rate",
    type=_RATE,
    default=1.0,
    show_default=True,
    help="Share of --commit-then-fail calls that fail after committing.",
)
@click.option(
    "--commit-fail-mode",
    type=click.Choice(["error", "drop"]),
    default="error",
    show_default=True,
    help="After committing: answer 500, or drop the connection.",
)
@click.option(
    "--latency-ms",
    type=_MILLISECONDS,
    default=0.0,
    show_default=True,
    metavar="MS",
    help="Delay every answer by MS milliseconds, as a far endpoint would.",
)
@click.option(
    "--jitter-ms",
    type=_MILLISECONDS,
    default=0.0,
    show_default=True,
    metavar="MS",
    help="Vary each delay by up to MS milliseconds either way, never below 0 "
    "(reproducible with --fault-seed).",
)
@pass_context
def serve(
    ctx: Context,
    host: str,
    port: int,
    data_dir: Path,
    create_seconds: float,
    access_key_id: str | None,
    access_key_secret: str | None,
    fault_seed: int | None,
    throttle_rate: float,
    throttle_retry_after: int | None,
    throttle_status: str | None,
    error_rate: float,
    commit_then_fail: tuple[str, ...],
    fault_rate: float,
    commit_fail_mode: str,
    latency_ms: float,
    jitter_ms: float,
) -> int:
    """Serve the CCC API (2020-07-01), BSS OpenAPI and STS over HTTP until SIGINT/SIGTERM."""
    if (access_key_id is None) != (access_key_secret is None):
        raise UsageError("--access-key-id and --access-key-secret go together")
    if access_key_id == "" or access_key_secret == "":
        # an unset variable in `--access-key-secret "$SECRET"` must not turn checking off
        raise UsageError("--access-key-id and --access-key-secret must not be empty")
    credentials = {access_key_id: access_key_secret} if access_key_id and access_key_secret else {}
    faults = FaultConfig(
        seed=fault_seed,
        throttle_rate=throttle_rate,
        throttle_retry_after=throttle_retry_after,
        throttle_status=int(throttle_status) if throttle_status else None,
        error_rate=error_rate,
        commit_then_fail=parse_actions(commit_then_fail),
        fault_rate=fault_rate,
        commit_fail_mode="drop" if commit_fail_mode == "drop" else "error",
    )
    latency = Latency(latency_ms, jitter_ms, fault_seed)
    engine = CccEmulation(data_dir, create_seconds=create_seconds)
    try:
        server = EmulatorServer(
            engine,
            host=host,
            port=port,
            credentials=credentials,
            faults=faults,
            owns_engine=True,
            latency=latency,
        )
    except OSError as error:
        engine.close()
        raise CccformError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        server.start()
        ctx.out.write(f"cccform emulator listening on {server.url}\n")
        ctx.out.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    ctx.err.write("cccform emulator stopped\n")
    return exit_codes.OK
