"""The local CCC control plane: an embedded emulation of the CCC 2020-07-01 API in SQLite."""

from cccform.emulation.engine import CccEmulation

__all__ = ["CccEmulation"]
