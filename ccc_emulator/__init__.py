"""An emulated CCC control plane: the CCC 2020-07-01 API of one account, kept in SQLite.

`CccEmulation` answers API operations in process; `ccc_emulator.http` serves them over Alibaba
Cloud's wire protocol for the official SDK. The package stands on its own: it imports nothing
from the tool that uses it.
"""

from ccc_emulator.engine import CccEmulation
from ccc_emulator.errors import CccApiError, DamagedStoreError, EmulatorError, StoreError

__all__ = [
    "CccApiError",
    "CccEmulation",
    "DamagedStoreError",
    "EmulatorError",
    "StoreError",
]
