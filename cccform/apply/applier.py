"""apply(plan) -> ApplyResult: steps in dependency order, bounded parallelism, batched waits."""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from cccform.apply.content_steps import addresses_needed, run_content_step
from cccform.apply.instance_steps import run_step
from cccform.apply.ledger import Ledger
from cccform.apply.observer import ApplyObserver
from cccform.apply.result import ApplyResult, StepOutcome, StepStatus, deleted_with
from cccform.apply.schedule import INSTANCE_STEP, Step, StepResult, build_steps
from cccform.errors import AmbiguousError, CccformError, ManualStepRequired, TransientError
from cccform.live import CREATING, RELEASED, RUNNING, LiveInstance
from cccform.plan.models import Action, Change, Plan
from cccform.providers.base import Provider
from cccform.state.models import State
from cccform.state.store import StateStore
from cccform.wire import Caller

# Creates marked "sent" ahead in one state write: at first this many rounds of --parallelism,
# then twice as many each batch, but never more than MARK_AHEAD_MAX (what a crash can leave
# marked sent without having gone out).
MARK_AHEAD_ROUNDS = 4
MARK_AHEAD_MAX = 256


@dataclass(frozen=True)
class ApplyOptions:
    parallelism: int = 10
    first_poll: float = 0.2
    max_poll_interval: float = 2.0
    progress_every: float = 10.0
    create_timeout: float = 1800.0
    delete_timeout: float = 1800.0


@dataclass
class _Waiting:
    change: Change
    since: float
    adopted: bool
    last_report: float
    after_poll: int  # the poll round current when the wait began: only a later one counts


@dataclass
class _Run:
    """Bookkeeping of one apply (main thread only). Keys are step keys, except `outcomes`,
    `started` and `parts_left`, which are by change key."""

    pending: dict[str, Step]
    blocked_by: dict[str, set[str]]
    in_flight: dict[Future[StepResult], Step] = field(default_factory=dict)
    waiting: dict[str, _Waiting] = field(default_factory=dict)
    started: dict[str, float] = field(default_factory=dict)
    outcomes: dict[str, StepOutcome] = field(default_factory=dict)
    parts_left: dict[str, int] = field(default_factory=dict)
    dependents: dict[str, set[str]] = field(default_factory=dict)


def apply_plan(
    plan: Plan,
    store: StateStore,
    state: State,
    provider: Provider,
    observer: ApplyObserver,
    *,
    options: ApplyOptions | None = None,
    cancel: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ApplyResult:
    """Carry out `plan` against `provider`, saving `state` after every completed step."""
    applier = _Applier(
        plan,
        Ledger(store, state),
        provider,
        observer,
        options or ApplyOptions(),
        cancel or threading.Event(),
        clock,
    )
    return applier.run()


class _Applier:
    def __init__(
        self,
        plan: Plan,
        ledger: Ledger,
        provider: Provider,
        observer: ApplyObserver,
        options: ApplyOptions,
        cancel: threading.Event,
        clock: Callable[[], float],
    ) -> None:
        self.plan = plan
        self.ledger = ledger
        self.provider = provider
        self.observer = observer
        self.options = options
        self.cancel = cancel
        self.clock = clock
        # Only an intent whose create went out can explain an instance at its access path.
        self.earlier_intents = frozenset(a for a, i in ledger.state.pending.items() if i.sent)
        steps = build_steps(plan.changes)
        self.run_state = _Run(
            pending={step.key: step for step in steps},
            blocked_by={step.key: set(step.depends_on) for step in steps},
        )
        for step in steps:
            for dependency in step.depends_on:
                self.run_state.dependents.setdefault(dependency, set()).add(step.key)
        self.ready = sorted(step.key for step in steps if not step.depends_on)  # a heap
        for step in steps:
            for change in step.changes:
                parts = self.run_state.parts_left
                parts[change.key] = parts.get(change.key, 0) + 1
        self.poll_interval = options.first_poll
        self.next_report = 0.0
        self.save_failed: Exception | None = None
        self.next_poll = 0.0
        self.poll: Future[list[LiveInstance]] | None = None
        self.poll_round = 0  # the number of the latest poll round started
        self.marked_ahead: dict[str, Change] = {}  # marked sent in advance, not yet sent
        self.mark_ahead = 0  # how many creates the last batch marked ahead

    def run(self) -> ApplyResult:
        self.ledger.move(self.plan.moves)
        self.ledger.forget(self.plan.forget)
        self.ledger.refresh(self.plan.refreshed)
        creates = [
            c
            for c in self.plan.changes
            if c.action is Action.CREATE and c.address.is_instance and not c.resume
        ]
        self.ledger.record_intents(creates)
        self.ledger.save()  # no intent on disk, no create call: a failure here stops all
        workers = ThreadPoolExecutor(max(1, self.options.parallelism), "cccform-step")
        poller = ThreadPoolExecutor(1, "cccform-poll")
        try:
            self._loop(workers, poller)
        finally:
            workers.shutdown(wait=True)
            poller.shutdown(wait=True)
            for change in self.marked_ahead.values():  # marked, but never went out
                self.ledger.not_sent(change)
            self._save()
        if self.save_failed is not None:
            raise self.ledger.rescue(self.save_failed)
        return self._result()

    def _save(self) -> None:
        """Persist; when that fails, start nothing more (calls in flight finish)."""
        try:
            self.ledger.save()
        except Exception as error:  # a full disk, a lost mount: keep the record in memory
            self.save_failed = error
            self.cancel.set()

    # -- the loop -----------------------------------------------------------

    def _loop(self, workers: ThreadPoolExecutor, poller: ThreadPoolExecutor) -> None:
        run = self.run_state
        while True:
            # What the last round finished is saved here, together with the "sent" marks of
            # the creates about to start: one state write per round, not two.
            if not self.cancel.is_set():
                self._start_ready(workers)
                self._start_poll(poller)
            else:
                self._save()
                if not run.in_flight and self.poll is None:
                    return
            if not run.in_flight and not run.waiting and self.poll is None:
                if not self.ready:
                    return
                continue
            futures: set[Future[object]] = set(run.in_flight)  # type: ignore[arg-type]
            if self.poll is not None:
                futures.add(self.poll)  # type: ignore[arg-type]
            done: set[Future[object]] = set()
            if futures:
                done, _ = wait(futures, timeout=self._wait_timeout(), return_when=FIRST_COMPLETED)
            else:  # only waiting for the next poll round
                self.cancel.wait(self._wait_timeout())
            for future in done:
                if future is self.poll:
                    self._finish_poll()
                else:
                    self._finish_call(future)  # type: ignore[arg-type]
            self._report_waits()

    def _start_ready(self, workers: ThreadPoolExecutor) -> None:
        run = self.run_state
        starting: list[Step] = []
        while self.ready and len(run.in_flight) + len(starting) < self.options.parallelism:
            step = run.pending.pop(heapq.heappop(self.ready), None)
            if step is not None:  # else skipped since it became ready
                starting.append(step)
        creates = [s.changes[0] for s in starting if _creates_instance(s)]
        news = [change for change in creates if change.key not in self.marked_ahead]
        for change in creates:
            self.marked_ahead.pop(change.key, None)  # marked in an earlier round: now it goes
        if any([self.ledger.sending(change) for change in news]):
            self._mark_ahead()
        self._save()  # the last round's results, and "sent" before the create call goes out
        if self.save_failed is not None:
            # A state that can no longer be written: nothing more happens live, and the
            # creates of this round never go out (unmarked before the rescue, in `run`).
            self.marked_ahead.update((change.key, change) for change in creates)
            return
        for step in starting:
            for change in step.changes:
                if change.key not in run.started:
                    run.started[change.key] = self.clock()
                    self.observer.step_started(change)
            run.in_flight[self._submit(workers, step)] = step

    def _mark_ahead(self) -> None:
        """Mark the next few creates sent in the same save, so that a large apply costs a
        state write per batch of creates, not one per create. Those not sent in the end
        are unmarked before the last save (`run`); only a crash leaves them marked, and a
        marked intent is taken for its instance only when that instance is what it asked for.
        """
        # Each batch is twice the last: a handful of writes even for 10,000 creates (a
        # state write costs time in proportion to the whole state).
        doubled = max(self.mark_ahead * 2, self.options.parallelism * MARK_AHEAD_ROUNDS)
        self.mark_ahead = min(doubled, MARK_AHEAD_MAX)
        for key in heapq.nsmallest(self.mark_ahead, self.ready):
            step = self.run_state.pending.get(key)
            if step is not None and _creates_instance(step):
                change = step.changes[0]
                if self.ledger.sending(change):
                    self.marked_ahead[change.key] = change

    def _submit(self, workers: ThreadPoolExecutor, step: Step) -> Future[StepResult]:
        if step.kind == INSTANCE_STEP:
            (change,) = step.changes
            return workers.submit(run_step, change, self.provider, self.earlier_intents)
        ids = self.ledger.remote_ids(addresses_needed(step))  # made by earlier steps
        caller: Caller = self.provider  # type: ignore[assignment]
        return workers.submit(run_content_step, step, caller, ids)

    def _wait_timeout(self) -> float:
        timeout = 0.2  # wake up often enough to notice Ctrl-C
        if self.run_state.waiting and self.poll is None:
            timeout = min(timeout, max(0.0, self.next_poll - self.clock()))
        return timeout

    # -- completion of calls ------------------------------------------------

    def _finish_call(self, future: Future[StepResult]) -> None:
        step = self.run_state.in_flight.pop(future)
        try:
            call = future.result()
        except ManualStepRequired as error:
            self._fail_step(step, str(error), StepStatus.MANUAL)
            return
        except CccformError as error:
            if not isinstance(error, AmbiguousError | TransientError):
                self._drop_intents(step)  # the create definitely did not happen
            self._fail_step(step, str(error))
            return
        except Exception as error:  # a bug or an unexpected transport failure: keep going
            self._fail_step(step, f"unexpected error: {error!r}")
            return
        if step.kind != INSTANCE_STEP:
            for change, part in step.parts:
                self.ledger.content_done(change, part, call.created.get(str(change.address)))
                self._part_done(change)
            self._step_done(step)
            return
        (change,) = step.changes
        if call.wait:
            now = self.clock()
            waiting = _Waiting(change, now, call.adopted, now, self.poll_round)
            self.run_state.waiting[change.key] = waiting
            return
        if change.action is Action.ADOPT:
            self.ledger.adopted(change)
        elif change.action is Action.UPDATE:
            self.ledger.updated(change)
        elif change.action is Action.ENABLE_QA:
            self.ledger.qa_enabled(change)
        self._part_done(change)
        self._step_done(step)

    # -- waiting for asynchronous creation and deletion ----------------------

    def _start_poll(self, poller: ThreadPoolExecutor) -> None:
        if self.poll is None and self.run_state.waiting and self.clock() >= self.next_poll:
            self.poll_round += 1
            self.poll = poller.submit(self.provider.list_instances)

    def _finish_poll(self) -> None:
        assert self.poll is not None
        future, self.poll = self.poll, None
        self.next_poll = self.clock() + self.poll_interval
        self.poll_interval = min(self.poll_interval * 2, self.options.max_poll_interval)
        try:
            live = {item.instance_id: item for item in future.result()}
        except CccformError:
            live = None  # try again next round; timeouts still apply
        for key, waiting in list(self.run_state.waiting.items()):
            self._check_waiting(key, waiting, live)

    def _check_waiting(
        self, key: str, waiting: _Waiting, live: dict[str, LiveInstance] | None
    ) -> None:
        change = waiting.change
        elapsed = self.clock() - waiting.since
        if live is not None and self.poll_round <= waiting.after_poll:
            live = None  # this poll began before the wait: it cannot say the instance is absent
        found = None if live is None else live.get(change.remote_id or "")
        if change.action is Action.DELETE:
            if live is not None and (found is None or found.status == RELEASED):
                del self.run_state.waiting[key]
                self.ledger.deleted(change)
                self._part_done(change)
                self._unblock(key)
            elif elapsed > self.options.delete_timeout:
                del self.run_state.waiting[key]
                self._fail(change, f"still not deleted after {elapsed:.0f}s", key)
            return
        if found is not None and waiting.adopted and not _asked_for(change, found):
            del self.run_state.waiting[key]
            self._fail(change, _not_ours(change), key)
        elif found is not None and found.status == RUNNING:
            del self.run_state.waiting[key]
            self._created(change, found)
        elif found is not None and found.status != CREATING:
            del self.run_state.waiting[key]
            self._fail(change, f"the instance is {found.status}, not RUNNING", key)
        elif live is not None and found is None and waiting.adopted:
            del self.run_state.waiting[key]
            self._fail(change, _not_ours(change, "but not in this account"), key)
        elif elapsed > self.options.create_timeout:
            del self.run_state.waiting[key]
            self._fail(
                change, f"still {CREATING} after {elapsed:.0f}s; the next apply resumes it", key
            )

    def _created(self, change: Change, found: LiveInstance) -> None:
        requested = set((change.after or {}).get("phone_numbers", []))
        unbound = sorted(requested - set(found.phone_numbers))
        if unbound:  # the platform created the instance without some of its numbers
            self._fail(
                change,
                f"the instance was created, but these numbers were not bound to "
                f"it: {', '.join(unbound)}; check that the account owns them and that "
                "no other instance uses them",
                change.key,
            )
            return
        wanted = str((change.after or {}).get("description", found.description))
        if found.description != wanted:  # resumed or adopted: bring it to what was planned
            try:
                self.provider.modify_instance(found.instance_id, wanted)
            except CccformError as error:
                self._fail(change, str(error), change.key)
                return
            found = LiveInstance(**{**found.__dict__, "description": wanted})
        self.ledger.created(change, found)
        self._part_done(change)
        self._unblock(change.key)

    def _report_waits(self) -> None:
        now = self.clock()
        if now < self.next_report:
            return
        self.next_report = now + 1.0  # a look every second, not on every loop round
        for waiting in self.run_state.waiting.values():
            if now - waiting.last_report >= self.options.progress_every:
                waiting.last_report = now
                self.observer.step_waiting(waiting.change, now - waiting.since)

    # -- outcomes -----------------------------------------------------------

    def _elapsed(self, change: Change) -> float:
        return self.clock() - self.run_state.started.get(change.key, self.clock())

    def _part_done(self, change: Change) -> None:
        run = self.run_state
        run.parts_left[change.key] -= 1
        if run.parts_left[change.key] > 0 or change.key in run.outcomes:
            return
        elapsed = self._elapsed(change)
        run.outcomes[change.key] = StepOutcome(change, StepStatus.DONE, None, elapsed)
        self.observer.step_finished(change, elapsed)

    def _drop_intents(self, step: Step) -> None:
        for change in step.changes:
            if change.address.is_instance and change.action is Action.CREATE:
                self.ledger.drop_intent(str(change.address))

    def _step_done(self, step: Step) -> None:
        self._unblock(step.key)

    def _unblock(self, step_key: str) -> None:
        run = self.run_state
        for dependent in run.dependents.get(step_key, ()):
            blockers = run.blocked_by[dependent]
            blockers.discard(step_key)
            if not blockers and dependent in run.pending:
                heapq.heappush(self.ready, dependent)

    def _fail_step(self, step: Step, message: str, status: StepStatus = StepStatus.FAILED) -> None:
        for change in step.changes:
            self._fail(change, message, None, status)
        self._skip_dependents(step.key)

    def _fail(
        self,
        change: Change,
        message: str,
        step_key: str | None,
        status: StepStatus = StepStatus.FAILED,
    ) -> None:
        outcome = StepOutcome(change, status, message, self._elapsed(change))
        self.run_state.outcomes[change.key] = outcome
        if status is StepStatus.MANUAL:
            self.observer.step_manual(change, message)
        else:
            self.observer.step_failed(change, message)
        if step_key is not None:
            self._skip_dependents(step_key)

    def _skip_dependents(self, failed: str) -> None:
        run = self.run_state
        for key in sorted(run.dependents.get(failed, ())):
            if key not in run.pending:
                continue
            step = run.pending.pop(key)
            because = f"it depends on {failed.replace(':', ' ')}, which did not complete"
            for change in step.changes:
                if change.key not in run.outcomes:
                    run.outcomes[change.key] = StepOutcome(change, StepStatus.SKIPPED, because)
                    self.observer.step_skipped(change, because)
            self._skip_dependents(key)

    def _result(self) -> ApplyResult:
        run = self.run_state
        for waiting in run.waiting.values():
            run.outcomes[waiting.change.key] = StepOutcome(
                waiting.change,
                StepStatus.INTERRUPTED,
                "interrupted while waiting; the next apply finishes it",
            )
        for change in self.plan.changes:
            if change.key not in run.outcomes:
                run.outcomes[change.key] = StepOutcome(
                    change, StepStatus.NOT_STARTED, "not started"
                )
        ordered = [run.outcomes[c.key] for c in self.plan.changes if c.key in run.outcomes]
        return ApplyResult(
            outcomes=ordered,
            interrupted=self.cancel.is_set(),
            forgotten=[str(f.address) for f in self.plan.forget],
            moved=[str(m.address) for m in self.plan.moves],
            refreshed=[str(r.address) for r in self.plan.refreshed],
            deleted_with=deleted_with(self.plan, ordered),
        )


def _creates_instance(step: Step) -> bool:
    """A step that will call CreateInstance (not one that finishes an earlier creation)."""
    if step.kind != INSTANCE_STEP:
        return False
    (change,) = step.changes
    return change.action is Action.CREATE and not change.resume


def _asked_for(change: Change, found: LiveInstance) -> bool:
    """An instance found where this state's create went out is its result only when it is
    what was asked for: the name, and no number that was not asked for."""
    after = change.after or {}
    asked = set(after.get("phone_numbers", []))
    return found.name == after.get("name") and set(found.phone_numbers) <= asked


def _not_ours(change: Change, where: str = "and is not what this state asked for") -> str:
    return (
        f"access path {change.remote_id!r} exists {where}; it is not managed by this "
        "state. Choose another access_path."
    )
