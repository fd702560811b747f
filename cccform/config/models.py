"""The configuration models. Limits follow the real CCC API (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cccform.diagnostics import FieldPath, SourceLocation

ADDRESS_KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
ACCESS_PATH_PATTERN = r"^[A-Za-z0-9_-]{4,48}$"
PHONE_NUMBER_PATTERN = r"^\+?[0-9]{3,20}$"
ADMIN_ID_PATTERN = r"^[0-9]{1,32}$"

InstanceName = Annotated[str, StringConstraints(min_length=4, max_length=32)]
AccessPath = Annotated[str, StringConstraints(pattern=ACCESS_PATH_PATTERN)]
Description = Annotated[str, StringConstraints(max_length=256)]
PhoneNumber = Annotated[str, StringConstraints(pattern=PHONE_NUMBER_PATTERN)]
AdminId = Annotated[str, StringConstraints(pattern=ADMIN_ID_PATTERN)]
AddressKey = Annotated[str, StringConstraints(pattern=ADDRESS_KEY_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class InstanceConfig(_Strict):
    """One call-center instance (`instances.<key>`)."""

    name: InstanceName = Field(
        description="Display name; immutable after creation; 4-32 characters."
    )
    access_path: AccessPath = Field(
        description="Access path (DomainName), also the instance id; immutable; globally unique; "
        "4-48 of A-Z a-z 0-9 _ -."
    )
    description: Description = Field(default="", description="Editable; at most 256 characters.")
    phone_numbers: tuple[PhoneNumber, ...] = Field(
        default=(),
        description="Numbers bound at creation; immutable; quoted strings of digits with an "
        "optional leading +.",
    )
    admins: tuple[AdminId, ...] = Field(
        default=(),
        description="Initial administrators (RAM user ids: quoted digits), used at creation only.",
    )
    conversation_analysis: bool = Field(
        default=False,
        description="Smart Conversation Analysis (QA); one-way: can be turned on, never off.",
    )
    deletion_protection: bool = Field(
        default=True,
        description="While true (as last applied), cccform refuses to delete the instance.",
    )


class LocalProviderConfig(_Strict):
    """The embedded local emulation of the CCC API (the default)."""

    type: Literal["local"] = Field(
        default="local", description="Provider kind; 'local' is the embedded emulation."
    )
    path: str | None = Field(
        default=None,
        description="Directory of the emulation's data; default .cccform/ next to "
        "the configuration.",
    )
    create_seconds: float | None = Field(
        default=None,
        ge=0,
        le=3600,
        description="Seconds an instance stays CREATING; default 3, or "
        "CCCFORM_LOCAL_CREATE_SECONDS.",
    )


class LocalStateConfig(_Strict):
    """State kept in a local JSON file."""

    backend: Literal["local"] = Field(
        default="local", description="State backend; 'local' keeps state in a JSON file."
    )
    path: str = Field(
        default="cccform.state.json",
        description="State file, relative to the configuration directory.",
    )


class Config(_Strict):
    """A whole configuration: every file of a directory, merged."""

    version: Literal[1] = Field(default=1, description="Format version; write 1.")
    provider: LocalProviderConfig = Field(
        default_factory=LocalProviderConfig,
        description="Where instances live; set in at most one file; default the local emulation.",
    )
    state: LocalStateConfig = Field(
        default_factory=LocalStateConfig,
        description="Where cccform keeps its state; set in at most one file.",
    )
    instances: dict[AddressKey, InstanceConfig] = Field(
        default_factory=dict,
        description="Call-center instances by address key (a letter or _, then up to 63 of "
        "A-Z a-z 0-9 _ -), merged across files.",
    )


class LoadedConfig:
    """A validated Config plus where each field came from."""

    def __init__(
        self,
        config: Config,
        directory: Path,
        files: list[Path],
        locations: dict[FieldPath, SourceLocation],
    ) -> None:
        self.config = config
        self.directory = directory
        self.files = files
        self.locations = locations

    def location(self, *path: str | int) -> SourceLocation | None:
        """The closest known location of `path` (falls back to its parents)."""
        key: FieldPath = tuple(path)
        while key:
            found = self.locations.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return None
