"""Read a configuration (one YAML file or a directory of them) into a validated `Config`.

`load_config` finds the files (`*.yaml` and `*.yml` of a directory and its subdirectories,
in the order of `yaml_entries`), reads each
(`yaml_reader`), validates and merges them here, runs the cross-file checks
(`crosschecks`) and raises one `ConfigError` holding every problem of every file, sorted
by location. Instances come from all files; `version`, the format marker of a file, may
be in every file; every other top-level key comes from one file.

Each instance that validates is then checked offline by `references`: the skill groups,
flows and phone numbers it names are its own, and each flow's `definition_file` (relative
to the directory of the YAML file that declares it) is a JSON object. Those problems are
collected with all others, so one run reports everything.

Flow definitions are resolved while loading: in `LoadedConfig.config`, every
`FlowConfig.definition` holds the flow's definition as plain JSON data (a dict of dicts,
lists and scalars), read from its `definition_file` or converted from the inline YAML.
`definition_file` is kept as written, for display only; consumers (the planner) read
`definition` alone.

`LoadedConfig.locations` merges the files' locations (see `document`); a path set in
several files (only `("instances",)`) keeps the first file's, in that order. A file is named
relative to the working directory when it lies under it, else by its absolute path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from cccform.config.crosschecks import instance_definitions, section_definitions, unique_values
from cccform.config.document import Document, display_path
from cccform.config.models import Config, InstanceConfig, LoadedConfig
from cccform.config.redaction import redacted_fields
from cccform.config.references import References
from cccform.config.validation import check_instance_key, validate
from cccform.config.values import describe
from cccform.config.yaml_reader import read_document
from cccform.diagnostics import Diagnostic, FieldPath, SourceLocation
from cccform.errors import ConfigError, UsageError

YAML_SUFFIXES = (".yaml", ".yml")
# The format marker of each file, checked in each (`validate`): any file may carry it.
PER_FILE_KEYS = frozenset({"version"})


def load_config(path: Path) -> LoadedConfig:
    """Read, merge and validate `path`; raise `ConfigError` with every problem found."""
    directory, files = _discover(path)
    merger = _Merger()
    for file in files:
        merger.add(read_document(file, display_path(file)), file.parent)
    return merger.result(directory, files)


# --- files -------------------------------------------------------------------------


def _discover(path: Path) -> tuple[Path, list[Path]]:
    if path.is_dir():
        entries = yaml_entries(path)
        irregular = [_irregular(entry) for entry in entries]
        problems = [problem for problem in irregular if problem is not None]
        if problems:
            raise ConfigError(problems)
        files = entries
        if not files:
            raise _fatal(
                f"no *.yaml or *.yml files in directory '{path}' or its subdirectories",
                "add a file such as main.yaml with an 'instances:' mapping, "
                "or pass the path of a configuration file",
            )
        return path, files
    if path.is_file():
        _refuse_part_of_directory(path)
        return path.parent, [path]
    raise _fatal(
        f"configuration path '{path}' does not exist",
        "pass a directory of *.yaml files or a single YAML file",
    )


def yaml_entries(directory: Path) -> list[Path]:
    """The entries named `*.yaml` or `*.yml` in `directory` and its subdirectories.

    In a stable order: the files of a directory by name, then its subdirectories by name,
    each in the same order (`main.yaml`, `z.yaml`, `instances/a.yaml`, `instances/eu/b.yaml`).
    Files and subdirectories whose names start with a dot (`.pre-commit-config.yaml`,
    `.gitlab-ci.yml`, `.cccform/`, `.git/`) are not read, nor symbolic links to directories
    (a link could loop, or reach far outside).
    """
    found: list[Path] = []
    for root, directories, names in os.walk(directory):
        directories[:] = [name for name in directories if not name.startswith(".")]
        # A directory named like a file is an entry too, reported as not a regular file.
        found += [
            Path(root, name)
            for name in (*names, *directories)
            if _yaml_name(name) and not name.startswith(".")
        ]
    return sorted(found, key=lambda entry: _files_first(entry.relative_to(directory).parts))


def _files_first(parts: tuple[str, ...]) -> list[tuple[bool, str]]:
    return [(True, part) for part in parts[:-1]] + [(False, parts[-1])]


def _yaml_name(name: str) -> bool:
    return Path(name).suffix in YAML_SUFFIXES


def _refuse_part_of_directory(path: Path) -> None:
    """One file of a multi-file configuration is not a configuration by itself.

    Read alone, it would lose the other files' provider, state and instances (and a plan
    would delete or forget those instances): the directory must be passed instead. That
    directory is its own, when it or its subdirectories hold other YAML files, or the one
    above it, when that holds configuration files of its own (`conf/main.yaml` with an
    `instances:` or `provider:` key makes `conf/instances/a.yaml` one file of `conf`, even
    alone in `instances/`). Only files with such keys count above: any directory may hold
    other YAML files (a `docker-compose.yml` in the home directory).
    """
    directory = path.parent
    others = [entry.relative_to(directory) for entry in yaml_entries(directory) if entry != path]
    if not others and directory.parent != directory:
        others = [
            entry.relative_to(directory.parent)
            for entry in _configuration_files_in(directory.parent)
        ]
        directory = directory.parent if others else directory
    if not others:
        return
    names = [entry.as_posix() for entry in others]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise UsageError(
        f"'{display_path(path)}' is one file of the configuration in directory "
        f"'{display_path(directory)}', which also holds {shown}: pass the directory "
        f"'{display_path(directory)}' as PATH, so that every file of the configuration is read"
    )


def _configuration_files_in(directory: Path) -> list[Path]:
    """The YAML files directly in `directory` whose top level has a key of a configuration."""
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return []
    return [
        entry
        for entry in entries
        if _yaml_name(entry.name) and entry.is_file() and _is_configuration(entry)
    ]


def _is_configuration(entry: Path) -> bool:
    root = read_document(entry, display_path(entry)).root
    return isinstance(root, dict) and any(key in Config.model_fields for key in root)


def _irregular(entry: Path) -> Diagnostic | None:
    """Why the directory entry `entry`, named like a configuration file, cannot be read."""
    try:
        mode = entry.stat().st_mode
    except OSError as exc:
        reason = "a dangling or looping symbolic link" if entry.is_symlink() else exc.strerror
        return _entry_problem(entry, f"cannot be read ({reason})")
    if stat.S_ISREG(mode):
        return None
    kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
    return _entry_problem(entry, f"is {kind}")


def _entry_problem(entry: Path, what: str) -> Diagnostic:
    return Diagnostic(
        f"configuration entry '{display_path(entry)}' {what}",
        hint="every *.yaml and *.yml entry of the directory is read as configuration: "
        "fix the entry, or rename or remove it (a missing file would plan deletions)",
    )


def _fatal(message: str, hint: str) -> ConfigError:
    return ConfigError([Diagnostic(message, hint=hint)])


# --- merging files -----------------------------------------------------------------


class _Merger:
    """Merges files: instances from all, other top-level keys from one file each."""

    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.diagnostics: list[Diagnostic] = []
        self.top: dict[str, Any] = {}
        self.sections = section_definitions()
        self.instance_keys = instance_definitions()
        self.instances: dict[str, tuple[InstanceConfig, Document]] = {}
        self.references = References()

    def add(self, document: Document, directory: Path) -> None:
        """Merge `document`, read from a file in `directory`."""
        self.documents.append(document)
        self.diagnostics.extend(document.diagnostics)
        data = document.root
        if data is None or document.is_poisoned(()):
            return
        if not isinstance(data, dict):
            self._report(
                document,
                f"the top level must be a mapping, got {describe(data)}",
                (),
                "write keys such as 'instances:' at the start of a line",
            )
            return
        self._add_top(document, {k: v for k, v in data.items() if k != "instances"})
        if "instances" in data and not document.is_poisoned(("instances",)):
            self._add_instances(document, data["instances"], directory)

    def _report(self, document: Document, message: str, path: FieldPath, hint: str) -> None:
        self.diagnostics.append(Diagnostic(message, document.entry_location(path), path, hint))

    def _add(self, found: Diagnostic | None) -> None:
        if found is not None:
            self.diagnostics.append(found)

    def _add_top(self, document: Document, top: dict[str, Any]) -> None:
        _, problems = validate(Config, top, (), document)
        self.diagnostics += problems
        for key, value in top.items():
            if key in PER_FILE_KEYS:
                self.top.setdefault(key, value)
                continue
            repeat = self.sections.claim(key, document, (key,))
            self._add(repeat)
            if repeat is None:
                self.top[key] = value

    def _add_instances(self, document: Document, instances: Any, directory: Path) -> None:
        if not isinstance(instances, dict):
            self._report(
                document,
                f"expected a mapping of instance keys to instances, got {describe(instances)}",
                ("instances",),
                "write 'instances: {}' for none, or one 'key:' per instance below it",
            )
            return
        for key, body in instances.items():
            path = ("instances", key)
            self._add(check_instance_key(key, document))
            repeat = self.instance_keys.claim(key, document, path)
            self._add(repeat)
            instance, problems = validate(InstanceConfig, body, path, document)
            self.diagnostics += problems
            if instance is not None:
                instance, problems = self.references.check(key, instance, document, directory)
                self.diagnostics += problems + redacted_fields(key, instance, document)
            if repeat is None and instance is not None:
                self.instances[key] = (instance, document)

    def result(self, directory: Path, files: list[Path]) -> LoadedConfig:
        self.diagnostics += unique_values(self.instances)
        config = None
        if not self.diagnostics:
            instances = {key: instance for key, (instance, _) in self.instances.items()}
            config = Config.model_validate({**self.top, "instances": instances})
        if config is None or self.diagnostics:
            raise ConfigError(sorted(self.diagnostics, key=_sort_key))
        return LoadedConfig(config, directory, files, self._locations())

    def _locations(self) -> dict[FieldPath, SourceLocation]:
        locations: dict[FieldPath, SourceLocation] = {}
        for document in self.documents:
            for path, location in document.locations.items():
                locations.setdefault(path, location)
        return locations


def _sort_key(diagnostic: Diagnostic) -> tuple[bool, str, int, int]:
    location = diagnostic.location
    if location is None:
        return (False, "", 0, 0)
    return (True, location.file, location.line, location.column)
