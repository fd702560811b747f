"""`cccform fmt`: the configuration files of a PATH, each beside its canonical layout.

The files are those `load_config` reads (`loader.yaml_entries` of a directory), or the one
file PATH names. Each is first read by `yaml_reader`, with the same checks as every command
(size, UTF-8, syntax): a file that cannot be read stops the whole run with a `ConfigError`
before anything is written; what only validation refuses (a phone number not quoted) is
formatted. `yaml_format` makes the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cccform.config.document import display_path
from cccform.config.loader import YAML_SUFFIXES, yaml_entries
from cccform.config.yaml_format import format_text
from cccform.config.yaml_reader import read_document
from cccform.diagnostics import Diagnostic
from cccform.errors import CccformError, ConfigError, UsageError
from cccform.files import replace_file


@dataclass(frozen=True)
class Formatted:
    """One file: its text as read and in the canonical layout."""

    path: Path
    display: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def format_configuration(path: Path) -> list[Formatted]:
    """Every configuration file of `path`, formatted (nothing is written)."""
    files = _files(path)
    problems: list[Diagnostic] = []
    for file in files:
        document = read_document(file, display_path(file))
        # Only a file that cannot be read stops fmt: it formats what only validation refuses
        # (a plain phone number is quoted).
        if document.root is None:
            problems += document.diagnostics
    if problems:
        raise ConfigError(problems)
    found = []
    for file in files:
        display = display_path(file)
        before = file.read_bytes().decode("utf-8")
        found.append(Formatted(file, display, before, format_text(before, display)))
    return found


def write_formatted(formatted: Formatted) -> None:
    """Replace the file with its formatted text, atomically, keeping its permissions."""
    # A symbolic link stays one: the file it points to is what is formatted.
    try:
        replace_file(formatted.path.resolve(), formatted.after.encode("utf-8"))
    except OSError as exc:
        raise CccformError(
            f"cannot write {formatted.display}: {exc.strerror or exc}; it is unchanged. "
            "Check the permissions of the file and of its directory, and the free space"
        ) from None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = yaml_entries(path)
        if not files:
            raise UsageError(f"no *.yaml or *.yml files in directory '{path}' to format")
        return files
    if path.is_file():
        if path.suffix not in YAML_SUFFIXES:
            # A saved plan is JSON, which is YAML too: fmt would rewrite it as YAML.
            raise UsageError(
                f"'{path}' is not named *.yaml or *.yml: fmt rewrites configuration files only"
            )
        return [path]
    raise UsageError(
        f"'{path}' does not exist: pass a configuration directory or a YAML file to format"
    )
