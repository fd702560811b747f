"""Reading the account for an import: List calls only, in parallel across instances and
kinds (`refresh`), never a Get per object."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from threading import Event
from typing import Protocol

from cccform.errors import UsageError
from cccform.importer.compose import ImportedInstance
from cccform.kinds import KINDS
from cccform.live import RUNNING, LiveContents, LiveInstance
from cccform.providers.ccc import CccProvider
from cccform.refresh import refresh, refresh_contents


class ImportObserver(Protocol):
    """Hears how the reading goes (the CLI prints it on stderr)."""

    def listed(self, total: int, selected: int) -> None: ...

    def skipped(self, instance: LiveInstance) -> None: ...

    def read(self, instance: LiveInstance, counts: dict[str, int]) -> None: ...


@dataclass(frozen=True)
class Selection:
    """Which instances to import, by access path: shell patterns (`acme-*`)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def wants(self, access_path: str) -> bool:
        if self.include and not any(fnmatchcase(access_path, p) for p in self.include):
            return False
        return not any(fnmatchcase(access_path, p) for p in self.exclude)

    def check(self, access_paths: list[str]) -> None:
        """A pattern of --instance that matches nothing is most likely a typo: say so."""
        unmatched = [p for p in self.include if not any(fnmatchcase(a, p) for a in access_paths)]
        if unmatched:
            shown = ", ".join(repr(p) for p in unmatched)
            raise UsageError(
                f"--instance {shown} matches no instance of the account; nothing was written. "
                "Give an access path, or a pattern such as 'acme-*' (quoted for the shell)"
            )


def read_account(
    provider: CccProvider,
    selection: Selection,
    observer: ImportObserver,
    *,
    contents: bool = True,
    parallelism: int,
    cancel: Event | None = None,
) -> list[ImportedInstance]:
    """The selected running instances, with their contents unless `contents` is False; at
    most `parallelism` calls at once."""
    provider.read_parallelism(parallelism)
    inventory = refresh(provider)
    listed = [i for i in inventory.instances.values() if inventory.get(i.instance_id)]
    selection.check([i.access_path for i in listed])
    chosen = sorted(
        (i for i in listed if selection.wants(i.access_path)), key=lambda i: i.access_path
    )
    observer.listed(len(listed), len(chosen))
    for instance in chosen:
        if instance.status != RUNNING:
            observer.skipped(instance)
    running = [i for i in chosen if i.status == RUNNING]
    if not contents:
        for instance in running:
            observer.read(instance, {})
        return [ImportedInstance(i) for i in running]
    kinds = frozenset(kind.resource_type for kind in KINDS)

    def heard(instance_id: str, found: LiveContents) -> None:
        counts = {kind.config_field: len(found.read(kind.resource_type) or {}) for kind in KINDS}
        observer.read(inventory.instances[instance_id], counts)

    wanted = {i.instance_id: kinds for i in running}
    read = refresh_contents(
        provider, inventory, wanted, parallelism, cancel=cancel, instance_read=heard
    )
    return [ImportedInstance(i, read.contents[i.instance_id]) for i in running]
