"""The configuration models. Limits follow the real CCC API (see docs/configuration.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from cccform.diagnostics import FieldPath, SourceLocation
from cccform.endpoints import EndpointError, parse_endpoint

ADDRESS_KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$"
ACCESS_PATH_PATTERN = r"^[A-Za-z0-9_-]{4,48}$"
PHONE_NUMBER_PATTERN = r"^\+?[0-9]{3,20}$"
ADMIN_ID_PATTERN = r"^[0-9]{1,32}$"


def _not_blank(value: str) -> str:
    if value and not value.strip():
        raise ValueError("must not be blank (only spaces); write a name")
    return value


InstanceName = Annotated[
    str, StringConstraints(min_length=4, max_length=32), AfterValidator(_not_blank)
]
AccessPath = Annotated[str, StringConstraints(pattern=ACCESS_PATH_PATTERN)]
Description = Annotated[str, StringConstraints(max_length=256)]
PhoneNumber = Annotated[str, StringConstraints(pattern=PHONE_NUMBER_PATTERN)]
AdminId = Annotated[str, StringConstraints(pattern=ADMIN_ID_PATTERN)]
AddressKey = Annotated[str, StringConstraints(pattern=ADDRESS_KEY_PATTERN)]

SKILL_GROUP_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
LOGIN_NAME_PATTERN = r"^[A-Za-z0-9._-]{4,64}$"
FLOW_NAME_PATTERN = r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.\u4e00-\u9fff-]{0,63}$"
# What CreateUser accepts as Email: an address of these characters, at most 128 of them.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
MOBILE_PATTERN = r"^\+?[0-9]{5,20}$"


def _no_nul(value: str) -> str:
    if "\0" in value:
        raise ValueError("a path must not contain a NUL character (\\0); remove it")
    return value


FilePath = Annotated[str, AfterValidator(_no_nul)]
"""A path written in the configuration: any text a file system can name (no NUL)."""


def _usable_endpoint(value: str) -> str:
    if value:  # empty means the default, as when it is left out
        try:
            parse_endpoint(value)
        except EndpointError as error:
            raise ValueError(f"endpoint {value!r} is not usable: {error}") from None
    return value


EndpointUrl = Annotated[str, AfterValidator(_usable_endpoint)]
"""A provider endpoint: `https://host[:port]`, plain http only for a loopback host."""

SkillGroupName = Annotated[str, StringConstraints(pattern=SKILL_GROUP_NAME_PATTERN)]
LoginName = Annotated[str, StringConstraints(pattern=LOGIN_NAME_PATTERN)]
FlowName = Annotated[str, StringConstraints(pattern=FLOW_NAME_PATTERN)]
SkillLevel = Annotated[int, Field(ge=1, le=10)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SkillGroupConfig(_Strict):
    """A skill group (`instances.<key>.skill_groups.<name>`); the name is its identity."""

    display_name: Annotated[
        str, StringConstraints(min_length=1, max_length=64), AfterValidator(_not_blank)
    ] = Field(description="Editable; 1-64 characters.")
    description: Description = Field(default="", description="Editable; at most 256 characters.")
    media_type: Literal["AUDIO", "CHAT", "VIDEO"] = Field(
        default="AUDIO", description="AUDIO, CHAT or VIDEO; immutable."
    )


class AgentConfig(_Strict):
    """An agent (`instances.<key>.agents.<login name>`); the login name is its identity."""

    display_name: Annotated[
        str, StringConstraints(min_length=1, max_length=128), AfterValidator(_not_blank)
    ] = Field(description="Editable; 1-128 characters.")
    email: Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=128)] = Field(
        description="Required; receives the logon details; immutable."
    )
    mobile: Annotated[str, StringConstraints(pattern=MOBILE_PATTERN)] | None = Field(
        default=None, description="Editable; a quoted string of digits."
    )
    role: Literal["Admin", "Manager", "Agent"] = Field(
        default="Agent", description="Admin, Manager or Agent; editable."
    )
    work_mode: Literal["ON_SITE", "OFF_SITE", "OFFICE_PHONE"] = Field(
        default="ON_SITE", description="ON_SITE, OFF_SITE or OFFICE_PHONE; editable."
    )
    skills: dict[SkillGroupName, SkillLevel] = Field(
        default_factory=dict,
        description="Skill group name -> level 1-10 (1 is the strongest); editable; at most 100.",
        max_length=100,
    )


class FlowConfig(_Strict):
    """A contact flow (IVR) (`instances.<key>.flows.<name>`); the name is its identity."""

    type: Literal["MAIN_FLOW", "SUB_FLOW", "SURVEY_FLOW"] = Field(
        default="MAIN_FLOW", description="MAIN_FLOW, SUB_FLOW or SURVEY_FLOW; immutable."
    )
    description: Description = Field(
        default="", description="Editable; the API needs one, so empty means the flow's name."
    )
    definition_file: FilePath | None = Field(
        default=None,
        description="A JSON file holding the console's flow definition (a JSON object, at most "
        "1 MiB), relative to the directory of this YAML file; give this or definition.",
    )
    definition: dict[str, Any] | None = Field(
        default=None,
        description="The console's flow definition, inline; give this or definition_file.",
    )

    @model_validator(mode="after")
    def _one_definition(self) -> FlowConfig:
        if (self.definition is None) == (self.definition_file is None):
            raise ValueError("give exactly one of definition_file or definition")
        return self


class NumberConfig(_Strict):
    """The routing of one of the instance's numbers (`instances.<key>.numbers."<number>"`)."""

    usage: Literal["Inbound", "Outbound", "Bidirection"] = Field(
        default="Bidirection", description="Inbound, Outbound or Bidirection."
    )
    flow: FlowName | None = Field(
        default=None, description="The declared flow that inbound calls to this number reach."
    )
    skill_groups: tuple[SkillGroupName, ...] = Field(
        default=(), description="Declared skill groups that use this number."
    )


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
    skill_groups: dict[SkillGroupName, SkillGroupConfig] = Field(
        default_factory=dict, description="Skill groups, by name."
    )
    agents: dict[LoginName, AgentConfig] = Field(
        default_factory=dict, description="Agents, by login name."
    )
    flows: dict[FlowName, FlowConfig] = Field(
        default_factory=dict, description="Contact flows (IVR), by name."
    )
    numbers: dict[PhoneNumber, NumberConfig] = Field(
        default_factory=dict,
        description="Routing of the instance's phone numbers, by number: each key is one of "
        "phone_numbers, quoted.",
    )


class LocalProviderConfig(_Strict):
    """The embedded local emulation of the CCC API (the default)."""

    type: Literal["local"] = Field(
        default="local", description="Provider kind; 'local' is the embedded emulation."
    )
    path: FilePath | None = Field(
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


class AliyunProviderConfig(_Strict):
    """The real Alibaba Cloud CCC API, through the official SDK.

    Credentials come only from the Alibaba Cloud default credential chain (environment,
    profile file, RAM role), never from the configuration.
    """

    type: Literal["aliyun"]
    region: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}-[a-z0-9-]{2,30}$")] = Field(
        default="cn-shanghai", description="The region of the CCC endpoint, e.g. cn-shanghai."
    )
    endpoint: EndpointUrl | None = Field(
        default=None,
        description="URL of the CCC endpoint; default https://ccc.<region>.aliyuncs.com. Plain "
        "http only for loopback addresses (e.g. http://127.0.0.1:8765 for cccform emulator).",
    )
    bss_endpoint: EndpointUrl | None = Field(
        default=None,
        description="URL of the BSS OpenAPI endpoint used to turn on conversation analysis; "
        "default https://business.aliyuncs.com, or the CCC endpoint when that is loopback.",
    )
    sts_endpoint: EndpointUrl | None = Field(
        default=None,
        description="URL of the STS endpoint used to find the caller's identity; default "
        "https://sts.aliyuncs.com, or the CCC endpoint when that is loopback.",
    )
    qa_module_code: str | None = Field(
        default=None,
        description="BSS module code of conversation analysis for CCC; found with "
        "DescribePricingModule when not given.",
    )
    request_timeout: float = Field(default=30, ge=0.001, le=600, description="Seconds per call.")
    max_attempts: int = Field(
        default=6, ge=1, le=20, description="Attempts per call for throttling and 5xx errors."
    )
    create_timeout: float = Field(
        default=1800, gt=0, description="Seconds to wait for an instance to become RUNNING."
    )
    delete_timeout: float = Field(
        default=1800, gt=0, description="Seconds to wait for a deleted instance to be gone."
    )


def _kind_in(field: str) -> Callable[[Any], str]:
    """The discriminator of a block whose `field` names its kind; without it, 'local'."""

    def kind(value: Any) -> str:
        if isinstance(value, dict):
            return str(value.get(field, "local"))
        return str(getattr(value, field, "local"))

    return kind


ProviderConfig = Annotated[
    Annotated[LocalProviderConfig, Tag("local")] | Annotated[AliyunProviderConfig, Tag("aliyun")],
    Discriminator(_kind_in("type")),
]


class LocalStateConfig(_Strict):
    """State kept in a local JSON file."""

    backend: Literal["local"] = Field(
        default="local", description="State backend; 'local' keeps state in a JSON file."
    )
    path: FilePath = Field(
        default="cccform.state.json",
        description="State file, relative to the configuration directory.",
    )

    @field_validator("path")
    @classmethod
    def _a_file(cls, value: str) -> str:
        name = value.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        if not value or value.endswith("/") or name in ("", ".", ".."):
            raise ValueError("must name a file, e.g. cccform.state.json, not a directory")
        return value


WORKSPACE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
PG_SCHEMA_PATTERN = r"^[a-z_][a-z0-9_]{0,62}$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"


class PostgresStateConfig(_Strict):
    """State kept in a PostgreSQL database, shared by every copy of the configuration.

    The DSN is read from the environment variable `dsn_env` names, never from the
    configuration: it may hold a password.
    """

    # `schema` would shadow a BaseModel attribute: the field is `schema_name`, written `schema`.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    backend: Literal["postgres"] = Field(
        description="State backend; 'postgres' keeps state in a PostgreSQL database."
    )
    dsn_env: Annotated[str, StringConstraints(pattern=ENV_NAME_PATTERN)] = Field(
        default="CCCFORM_PG_DSN",
        description="Name of the environment variable holding the DSN (libpq keywords or a "
        "postgresql:// URI); the DSN itself never goes in the configuration.",
    )
    workspace: Annotated[str, StringConstraints(pattern=WORKSPACE_PATTERN)] = Field(
        description="Name of this state in the database; configurations sharing a database "
        "use one workspace each; 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit."
    )
    schema_name: Annotated[
        str, StringConstraints(pattern=PG_SCHEMA_PATTERN), AfterValidator(_not_reserved_schema)
    ] = Field(
        default="cccform",
        alias="schema",
        description="PostgreSQL schema holding cccform's tables; 1-63 of a-z 0-9 _, not "
        "starting with a digit or pg_.",
    )
    history: int = Field(
        default=100, ge=1, le=100_000, description="How many past serials to keep (1-100000)."
    )


def _not_reserved_schema(value: str) -> str:
    if value.startswith("pg_"):
        raise ValueError(
            "names starting with pg_ are PostgreSQL's own; choose another, e.g. cccform"
        )
    return value


StateConfig = Annotated[
    Annotated[LocalStateConfig, Tag("local")] | Annotated[PostgresStateConfig, Tag("postgres")],
    Discriminator(_kind_in("backend")),
]


class Config(_Strict):
    """A whole configuration: every file of a directory, merged."""

    version: Literal[1] = Field(default=1, description="Format version; write 1.")
    provider: ProviderConfig = Field(
        default_factory=LocalProviderConfig,
        description="Where instances live; set in at most one file; default the local emulation.",
    )
    state: StateConfig = Field(
        default_factory=LocalStateConfig,
        description="Where cccform keeps its state; set in at most one file.",
    )
    instances: dict[AddressKey, InstanceConfig] = Field(
        default_factory=dict,
        description="Call-center instances by address key (a letter or _, then up to 63 of "
        "A-Z a-z 0-9 _ -), merged across files.",
    )

    @field_validator("version", mode="before")
    @classmethod
    def _whole_version(cls, value: Any) -> Any:
        if type(value) is not int:
            raise ValueError("the format version must be the whole number 1: write 'version: 1'")
        return value


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
