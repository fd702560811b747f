"""One import: read the account, compose the files, check, write. Never prints: progress goes
to the observer, and the result says what was written."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cccform.config.loader import YAML_SUFFIXES
from cccform.config.models import LocalProviderConfig, ProviderConfig
from cccform.config.schema import render_schema
from cccform.config.yaml_reader import MAX_FILE_BYTES
from cccform.errors import CccformError, RefreshInterrupted, UsageError
from cccform.importer.compose import Counts, ImportOptions, UnreadableFlow, compose
from cccform.importer.existing_config import (
    GoneInstance,
    gone_instances,
    load_existing,
    refuse_declared_twice,
)
from cccform.importer.output import (
    existing,
    others,
    refuse_overwrite,
    write_files,
)
from cccform.importer.read import ImportObserver, Selection, read_account
from cccform.live import LiveInstance
from cccform.providers import local
from cccform.providers.registry import make_provider
from cccform.run import load_configuration

API_PARALLELISM = 100
"""Lists in flight by default through the CCC API. An import reads every kind of every
instance: thousands of small Lists for a large account. To read them at the pace of the
per-operation quotas the aliyun provider keeps to (100 a second for `ListUsers`,
`ListContactFlows` and `ListPhoneNumbers`, 200 for `ListSkillGroups`) rather than one round
trip per List, as many must be in flight as the quotas allow in one round trip: about 400 a
second times 0.25 s, the round trip of an account far from its region. It uses up the quotas
the account's other tools share for its length; `--parallelism` lower spares them."""

LOCAL_PARALLELISM = 1
"""Lists in flight by default on the local emulation, which answers in process, with no round
trip to wait for: more threads only contend for the interpreter. Importing the account of
`benchmarks/import.py` (1,000 instances and one of 2,000 agents), 4 runs each, interleaved:
1.33 s of CPU at 1 in flight against 1.62 s at 2, and 1.3 s by the clock against 1.5 s."""


@dataclass(frozen=True)
class ProviderSource:
    """The provider to read through, and the directory its relative paths start from."""

    settings: ProviderConfig
    directory: Path


@dataclass(frozen=True)
class ImportRequest:
    out_dir: Path
    source: ProviderSource
    selection: Selection = field(default_factory=Selection)
    options: ImportOptions = field(default_factory=ImportOptions)
    force: bool = False
    parallelism: int | None = None  # None: the provider's default (`import_parallelism`)


@dataclass(frozen=True)
class ImportResult:
    out_dir: Path
    files: list[str]
    counts: Counts
    redacted: bool
    others: list[str]  # configuration files already there that the import did not write
    calls: int
    # Declared in `others` by an earlier import, and no longer in the account.
    gone: list[GoneInstance] = field(default_factory=list)
    unreadable: list[UnreadableFlow] = field(default_factory=list)  # left out of the files


def import_account(
    request: ImportRequest, observer: ImportObserver, *, cancel: Event | None = None
) -> ImportResult:
    """Read the account and write its configuration into `request.out_dir`. A set `cancel`
    stops the import (`RefreshInterrupted`) at any point before the writing starts, with
    nothing written; once the files are being written, they all are."""
    provider = make_provider(request.source.settings, request.source.directory)
    heard = _Skips(observer)
    try:
        instances = read_account(
            provider,
            request.selection,
            heard,
            contents=request.options.contents,
            parallelism=request.parallelism or import_parallelism(request.source.settings),
            cancel=cancel,
        )
    finally:
        provider.close()
    _stop_if_cancelled(cancel)
    if not instances:
        raise CccformError(
            f"there is no running instance to import through {_described(request.source)}; "
            "nothing was written. Check the provider settings (--provider, --from), and what "
            "--instance and --exclude leave"
        )
    block = provider_block(request.source, request.out_dir)
    composed = compose(instances, block, render_schema(), request.options)
    _stop_if_cancelled(cancel)
    _check_sizes(composed.files)
    found = existing(request.out_dir, composed.files)
    if found and not request.force:
        raise refuse_overwrite(request.out_dir, found)
    # Found once: the directory can be large (--out defaults to the current one), and the
    # writing leaves the list as it is, since the names written are not in it.
    other_files = others(request.out_dir, composed.files)
    loaded = load_existing(request.out_dir) if other_files else None
    gone: list[GoneInstance] = []
    if loaded is not None:
        imported = [i.live.access_path for i in instances]
        refuse_declared_twice(loaded, request.out_dir, composed.files, imported)
        live = set(imported) | heard.skips
        gone = gone_instances(loaded, request.out_dir, other_files, request.selection, live)
    _stop_if_cancelled(cancel)  # the last point where stopping leaves the directory as it was
    write_files(request.out_dir, composed.files)
    return ImportResult(
        request.out_dir,
        list(composed.files),
        composed.counts,
        request.options.redact,
        other_files,
        provider.calls.total,
        gone,
        composed.unreadable,
    )


class _Skips:
    """Passes on what the observer hears, and keeps the access paths of the skipped."""

    def __init__(self, observer: ImportObserver) -> None:
        self.observer = observer
        self.skips: set[str] = set()

    def listed(self, total: int, selected: int) -> None:
        self.observer.listed(total, selected)

    def skipped(self, instance: LiveInstance) -> None:
        self.skips.add(instance.access_path)
        self.observer.skipped(instance)

    def read(self, instance: LiveInstance, counts: dict[str, int]) -> None:
        self.observer.read(instance, counts)


def _stop_if_cancelled(cancel: Event | None) -> None:
    """A signal that arrived after the reading, before the writing: stop, writing nothing."""
    if cancel is not None and cancel.is_set():
        raise RefreshInterrupted("interrupted during the import: nothing was written")


def provider_block(source: ProviderSource, out_dir: Path) -> dict[str, Any]:
    """The `provider:` block that reaches, from `out_dir`, the account read from `source`."""
    settings = source.settings
    written: dict[str, Any] = {"type": settings.type}
    written.update(settings.model_dump(mode="json", exclude_defaults=True, exclude={"type"}))
    if isinstance(settings, LocalProviderConfig):
        emulation = local.data_dir(settings, source.directory).resolve()
        written["path"] = os.path.relpath(emulation, out_dir.resolve())
    # In the order of the model's fields, as `cccform fmt` writes them.
    order = list(type(settings).model_fields)
    return dict(sorted(written.items(), key=lambda item: order.index(item[0])))


def import_parallelism(settings: ProviderConfig) -> int:
    """Calls in flight when `--parallelism` is not given: enough to read at the pace of the
    API's quotas from a far endpoint; a few on the local emulation, which has no round trip."""
    if isinstance(settings, LocalProviderConfig):
        return LOCAL_PARALLELISM
    return API_PARALLELISM


def _described(source: ProviderSource) -> str:
    settings = source.settings
    if isinstance(settings, LocalProviderConfig):
        return f"the local emulation in {local.data_dir(settings, source.directory)}"
    return f"the CCC API at {settings.endpoint or settings.region}"


def _check_sizes(files: dict[str, str]) -> None:
    for name, text in files.items():
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise CccformError(
                f"{name} would be {size} bytes, more than the 1 MiB a configuration file may "
                "hold; nothing was written. Import that instance with --no-contents and "
                "declare its contents by hand, or leave it out with --exclude"
            )


def provider_source(
    kind: str | None,
    settings: dict[str, str],
    from_path: Path | None,
    cwd: Path,
) -> ProviderSource:
    """The provider an import reads through: `--provider` with its settings, else the
    provider block of the configuration at `--from` (default: the current directory, when it
    holds one), else the local emulation of the current directory."""
    if kind is None:
        given = ", ".join(_option(name) for name in sorted(settings))
        if given:
            raise UsageError(f"{given} goes with --provider local or --provider aliyun")
        if from_path is not None or any(p.suffix in YAML_SUFFIXES for p in cwd.iterdir()):
            loaded = load_configuration(from_path or cwd)
            return ProviderSource(loaded.config.provider, loaded.directory)
        return ProviderSource(LocalProviderConfig(), cwd)
    if from_path is not None:
        raise UsageError("use --provider or --from, not both")
    try:
        parsed = TypeAdapter(ProviderConfig).validate_python({"type": kind, **settings})
    except ValidationError as error:
        first = error.errors()[0]
        name = _option(str(first["loc"][-1])) if first["loc"] else "--provider"
        raise UsageError(f"{name}: {first['msg']} (with --provider {kind})") from None
    return ProviderSource(parsed, cwd)


def _option(setting: str) -> str:
    """The command-line option that gives a provider setting."""
    return "--local-path" if setting == "path" else "--" + setting.replace("_", "-")
