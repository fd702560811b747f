"""What `cccform plan` leaves for a CI system besides its output: GitHub annotations and job
summary, GitLab's plan report. Which of them is decided here, from the options and the
environment the CI system sets (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from cccform.errors import CccformError
from cccform.render.ci_reports import (
    Annotation,
    gitlab_report,
    rejection_annotations,
    workflow_commands,
)
from cccform.render.markdown_plan import MarkdownOptions, masked, render_markdown


def on_github() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def markdown_options(
    func: Callable[..., Any],
) -> Callable[..., Any]:
    """`--markdown`, `--show-personal-data`: the plan as a pull-request comment."""
    func = click.option(
        "--show-personal-data",
        is_flag=True,
        help="Show agents' emails and mobiles in markdown and annotations (masked by default).",
    )(func)
    return click.option(
        "--markdown",
        is_flag=True,
        help="Print the plan as GitHub-flavoured markdown, for a pull-request comment.",
    )(func)


def no_annotations_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--no-annotations`. Read by the command, and by `cli.main` for configuration errors,
    which end the command before it sees its options' values."""
    return click.option(
        "--no-annotations",
        is_flag=True,
        help="On GitHub Actions, print no ::error annotations and write no job summary.",
    )(func)


@dataclass(frozen=True)
class CiOutputs:
    """The side outputs one plan run writes."""

    annotations: bool
    step_summary: Path | None
    gitlab_report: Path | None
    markdown: MarkdownOptions

    @classmethod
    def chosen(
        cls,
        *,
        no_annotations: bool,
        gitlab_report_file: Path | None,
        show_personal_data: bool,
        plan_file: Path | None,
    ) -> CiOutputs:
        github = on_github() and not no_annotations
        summary = os.environ.get("GITHUB_STEP_SUMMARY") if github else None
        return cls(
            annotations=github,
            step_summary=Path(summary) if summary else None,
            gitlab_report=gitlab_report_file,
            markdown=MarkdownOptions(
                show_personal_data=show_personal_data,
                plan_file=str(plan_file) if plan_file else None,
            ),
        )

    def publish(self, doc: dict[str, Any], err: TextIO) -> None:
        """Annotations on stderr, the markdown appended to the job summary, the report file."""
        if self.annotations:
            shown = doc if self.markdown.show_personal_data else masked(doc)
            annotate(rejection_annotations(shown), "rejections", err)
        if self.step_summary is not None:
            _write(self.step_summary, render_markdown(doc, self.markdown), append=True)
        if self.gitlab_report is not None:
            _write(self.gitlab_report, gitlab_report(doc), append=False)


def annotate(annotations: list[Annotation], kind: str, err: TextIO) -> None:
    """GitHub workflow commands for `annotations`, on stderr (stdout may be a JSON document)."""
    for line in workflow_commands(kind, annotations):
        err.write(line + "\n")
    err.flush()


def _write(path: Path, content: str, *, append: bool) -> None:
    try:
        with path.open("a" if append else "w", encoding="utf-8") as stream:
            stream.write(content)
    except OSError as exc:
        raise CccformError(f"could not write {path}: {exc.strerror or exc}.") from exc
