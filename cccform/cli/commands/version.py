"""`cccform version [--json]`: the versions a bug report needs."""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from typing import TypedDict

import click

from cccform.cli.context import Context, pass_context
from cccform.cli.exit_codes import OK
from cccform.plan.planfile import PLANFILE_VERSION
from cccform.render.json_plan import FORMAT_VERSION, cccform_version
from cccform.state.models import STATE_FORMAT_VERSION

# The distributions of the `aliyun` extra (pyproject.toml): the official SDK.
SDK_DISTRIBUTIONS = (
    "alibabacloud-ccc20200701",
    "alibabacloud-credentials",
    "alibabacloud-bssopenapi20171214",
    "alibabacloud-sts20150401",
    "alibabacloud-tea-openapi",
)


class Formats(TypedDict):
    state: int
    saved_plan: int
    json_plan: str


class VersionReport(TypedDict):
    """`version --json`: these keys only; a key is added, never renamed."""

    cccform: str
    python: str
    formats: Formats
    sdk: dict[str, str | None]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@pass_context
def version(ctx: Context, as_json: bool) -> int:
    """Print the versions of cccform, its file formats and the SDK."""
    report = version_report()
    ctx.out.write(json.dumps(report, indent=2) + "\n" if as_json else _human(report))
    return OK


def version_report() -> VersionReport:
    """cccform's version, the format versions it reads and writes, and the SDK's versions."""
    return {
        "cccform": cccform_version(),
        "python": platform.python_version(),
        "formats": {
            "state": STATE_FORMAT_VERSION,
            "saved_plan": PLANFILE_VERSION,
            "json_plan": FORMAT_VERSION,
        },
        "sdk": {name: _installed(name) for name in SDK_DISTRIBUTIONS},
    }


def _installed(distribution: str) -> str | None:
    try:
        return installed_version(distribution)
    except PackageNotFoundError:
        return None


def _human(report: VersionReport) -> str:
    formats = report["formats"]
    lines = [
        f"cccform {report['cccform']} (Python {report['python']})",
        f"formats: state {formats['state']}, saved plan {formats['saved_plan']}, "
        f"JSON plan {formats['json_plan']}",
        *(f"{name} {found or 'not installed'}" for name, found in report["sdk"].items()),
    ]
    return "\n".join(lines) + "\n"
