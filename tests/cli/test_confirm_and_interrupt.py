"""The approval prompt and the Ctrl-C handler, as units."""

from __future__ import annotations

import io
import os
import signal
from typing import get_args

import pytest

from cccform.cli import interrupt
from cccform.cli.confirm import confirm_plan
from cccform.cli.interrupt import graceful_interrupt
from cccform.plan.models import Action, Change, Plan, PriorState
from cccform.plan.qa import QA_COST_MESSAGE, qa_cost_notes
from cccform.run import Stretch

PRIOR = PriorState(lineage="L", serial=1, existed=True)
DELETE = Change(
    address="instance.a", action=Action.DELETE, remote_id="acme-a", before={"access_path": "acme-a"}
)


def answer(monkeypatch: pytest.MonkeyPatch, text: str) -> io.StringIO:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    return io.StringIO()


@pytest.mark.parametrize(
    ("typed", "approved"), [("yes\n", True), ("y\n", False), ("YES\n", False), ("", False)]
)
def test_only_yes_approves(monkeypatch: pytest.MonkeyPatch, typed: str, approved: bool) -> None:
    err = answer(monkeypatch, typed)
    assert confirm_plan(Plan(prior_state=PRIOR), err) is approved
    assert "Only 'yes' will be accepted to approve." in err.getvalue()


@pytest.mark.parametrize(
    ("typed", "approved"), [("yes\nacme-a\n", True), ("yes\nacme-b\n", False), ("yes\n", False)]
)
def test_deletions_ask_for_the_access_path(
    monkeypatch: pytest.MonkeyPatch, typed: str, approved: bool
) -> None:
    err = answer(monkeypatch, typed)
    assert confirm_plan(Plan(changes=[DELETE], prior_state=PRIOR), err) is approved
    assert "Type its access path (acme-a) to confirm: " in err.getvalue()


def test_first_interrupt_only_sets_the_event() -> None:
    err = io.StringIO()
    before = signal.getsignal(signal.SIGINT)
    with graceful_interrupt(err) as cancel:
        assert not cancel.is_set()
        os.kill(os.getpid(), signal.SIGINT)
        assert cancel.wait(5)
    assert "No new steps will start" in err.getvalue()
    assert signal.getsignal(signal.SIGINT) is before


def test_every_stretch_has_its_messages() -> None:
    assert set(interrupt.THEN) == set(interrupt.AT_ONCE) == set(get_args(Stretch))


class Exited(Exception):
    pass


@pytest.mark.parametrize("during", get_args(Stretch))
def test_a_second_signal_exits_at_once_with_the_first_ones_code(
    monkeypatch: pytest.MonkeyPatch, during: Stretch
) -> None:
    codes: list[int] = []

    def exit_now(code: int) -> None:
        codes.append(code)
        raise Exited

    monkeypatch.setattr(os, "_exit", exit_now)
    err = io.StringIO()
    guard = interrupt.GracefulInterrupt(err)
    with pytest.raises(Exited), guard(during) as cancel:
        os.kill(os.getpid(), signal.SIGTERM)
        assert cancel.wait(5)
        os.kill(os.getpid(), signal.SIGINT)
    assert codes == [143]
    assert err.getvalue().endswith(f"\n{interrupt.AT_ONCE[during]}\n")
    assert interrupt.THEN[during] in err.getvalue()


def test_deleting_contents_asks_no_access_path(monkeypatch: pytest.MonkeyPatch) -> None:
    agent = Change(address="instance.a.agent.bob", action=Action.DELETE, remote_id="bob@acme-a")
    err = answer(monkeypatch, "yes\n")
    assert confirm_plan(Plan(changes=[agent], prior_state=PRIOR), err) is True
    assert "Type its access path" not in err.getvalue()


def test_enabling_qa_is_called_one_way_and_paid_before_the_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    qa = Change(address="instance.a", action=Action.ENABLE_QA, remote_id="acme-a")
    plan = Plan(changes=[qa], notes=qa_cost_notes([qa]), prior_state=PRIOR)
    err = answer(monkeypatch, "no\n")
    assert confirm_plan(plan, err) is False
    shown = err.getvalue()
    assert f"  instance.a: {QA_COST_MESSAGE}.\n  Only 'yes'" in shown
