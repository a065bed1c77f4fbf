"""`aidesk assess-batch`: a list of profiles in, one JSON line per item out, in input order (SPEC §5).

The items are assessed slice by slice. A small batch is assessed in this process. A large one is shared
between worker processes: they are forked once the input is parsed and the regime loaded, so that they
inherit both instead of being sent them, each assesses the slices it is given and sends back their JSON
lines as one string, and this process writes the slices in input order, moves the progress bar and ends
the command. Where forking is not the safe way to start a process (macOS, Windows) the batch is assessed
here. Whatever the number of processes, stdout, stderr and the exit code are the same.

Exit codes: 0 every item assessed; 2 an invalid item (its line is `{"error": ..., "item": N}`, and the
command goes on unless `--strict`) or bad input; 1 an internal error, a worker process that died included
(the lines of the items before it are written, nothing after). Ctrl-C stops the workers and exits 130;
SIGTERM stops them and then ends the command as it ends any process; should the command be killed
outright, the kernel ends its workers (Linux).
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from itertools import islice
from time import monotonic
from typing import TYPE_CHECKING, Any, NamedTuple

import typer

from aidesk.cli import app
from aidesk.cli.assess import AS_OF_HELP, REGIME_HELP, Lang, _batch_items, _check_regime, _parse_as_of
from aidesk.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, console, err_console

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from rich.progress import Progress

    from aidesk.rules.model import Assessment

# Without --jobs, a batch of fewer items is assessed in one process. Two workers do ~6-12 % more work than
# one process (each fills its own caches; the lines go through a pipe) and forking them costs a few ms: on
# an idle 2-core machine that pays from a few hundred items, by ~13 % of the wall time at 1,000 items and
# ~20 % at 2,000 (docs/benchmarks.md, "Assessment throughput").
PARALLEL_MIN_ITEMS = 1_000
SLICE_ITEMS = 256  # items assessed (and written) at a time in one process
WORKER_SLICE_MAX = 500  # at most this many items per slice sent to a worker; fewer for small batches
WARM_ITEMS = 32  # items assessed here before the workers are forked (see `_shared`)
SLICES_AHEAD = 4  # slices per worker handed out before their lines are written (bounds the memory held)
_PROGRESS_REFRESH_S = 0.25  # the progress bar moves four times a second


class _Outcome(NamedTuple):
    """What assessing a slice of the batch gives: its JSON lines (or its rows of the summary table), the
    number of the last item it assessed, the number of invalid items, and, when the batch ends in the
    slice, the exit code and the line for stderr."""

    text: str
    rows: list[tuple[str, str, str, str, str]]
    last: int
    failed: int
    stop: tuple[int, str] | None


@dataclass(frozen=True, slots=True)
class _Batch:
    items: list[Any]
    name: str
    regime: str
    when: date
    lang: str
    strict: bool
    table: bool

    def assess(self, start: int, stop: int) -> _Outcome:
        """Assess items[start:stop]: item numbers start + 1 … stop, as the user counts them."""
        import gc
        import json

        from aidesk.rules.engine import assess
        from aidesk.rules.profile import ProfileError, profile_from_data

        items, name, regime, when, lang, table = (
            self.items, self.name, self.regime, self.when, self.lang, self.table
        )  # fmt: skip
        lines: list[str] = []
        rows: list[tuple[str, str, str, str, str]] = []
        failed = 0
        end: tuple[int, str] | None = None
        n = start
        for n in range(start + 1, stop + 1):
            item = items[n - 1]
            try:
                if isinstance(item, Exception):  # a CSV row that could not be read
                    raise item
                assessment = assess(profile_from_data(item, f"item {n}"), regime, when, lang)
            except ProfileError as exc:
                failed += 1
                problem = exc.one_line()
                if table:
                    rows.append((str(n), "", "[red]invalid[/red]", problem, ""))
                else:
                    lines.append(json.dumps({"error": f"{name}: {problem}", "item": n}, ensure_ascii=False))
                if self.strict:
                    end = (EXIT_BAD_INPUT, f"aidesk: error: {name}: {problem}")
                    break
            except Exception as exc:  # a bug: report it after the lines before it
                end = (EXIT_INTERNAL, f"aidesk: internal error: {type(exc).__name__}: {exc}")
                break
            else:
                if table:
                    rows.append(_table_row(n, assessment))
                else:
                    lines.append(assessment.to_json())
        # What outlives the slice is mostly what the engine keeps for the items to come (obligations and
        # plans per combination of facts, shared output parts); keep it out of the collector's scans, which
        # would otherwise walk it again and again as it grows, and once more at exit.
        gc.freeze()
        text = "\n".join(lines) + "\n" if lines else ""
        return _Outcome(text, rows, n, failed, end)


def _table_row(n: int, a: Assessment) -> tuple[str, str, str, str, str]:
    upcoming = [d.date for d in a.deadlines if d.date > a.as_of]
    grounds = ", ".join(a.prohibited_practices + a.high_risk_grounds + a.transparency_obligations)
    return (str(n), a.profile, a.risk_class, grounds, upcoming[0].isoformat() if upcoming else "")


def _batch_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    from rich.table import Table

    table = Table("#", "profile", "class", "grounds", "next date")
    for row in rows:
        table.add_row(*row)
    console.print(table)


class _Bar:
    """The progress bar on stderr, when stderr is a terminal; redrawn a few times a second, not per item
    and not from a thread."""

    def __init__(self, stack: ExitStack, total: int) -> None:
        self.total = total
        self.next_refresh = 0.0
        self.progress: Progress | None = None
        if not err_console.is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = stack.enter_context(
            Progress(
                TextColumn("assessing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
                auto_refresh=False,
            )
        )
        self.task = self.progress.add_task("assess", total=total)

    def move(self, done: int) -> None:
        if self.progress is None:
            return
        now = monotonic()
        if now >= self.next_refresh or done == self.total:
            self.progress.update(self.task, completed=done, refresh=True)
            self.next_refresh = now + _PROGRESS_REFRESH_S


# --- worker processes --------------------------------------------------------------------------------------

_BATCH: _Batch | None = None  # the batch being shared out; forked workers inherit it


def _assess_slice(start: int, stop: int) -> _Outcome:
    """A worker's unit of work."""
    if _BATCH is None:  # only forked workers are started, and only once the batch is set
        raise RuntimeError("assess-batch worker started without a batch")
    return _BATCH.assess(start, stop)


def _worker_started(parent: int) -> None:
    import signal

    # Ctrl-C reaches the whole process group: the parent alone handles it, and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler: SIGTERM ends a worker
    if sys.platform.startswith("linux"):
        import ctypes

        # Should the parent be killed outright, the kernel ends its workers too (PR_SET_PDEATHSIG), instead
        # of leaving them blocked on a pipe that nobody reads.
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before that was set
            os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class _Terminated(BaseException):
    """SIGTERM while workers run: the batch stops as on Ctrl-C, then the process ends as SIGTERM ends it."""


def _terminated(signum: int, frame: object) -> None:
    raise _Terminated


def can_fork() -> bool:
    """Whether worker processes can be forked: on Linux and other POSIX systems, not on Windows (no fork)
    or macOS (where forking a process that uses system frameworks is unsafe)."""
    import multiprocessing

    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may run on (Linux)
    except AttributeError:
        return os.cpu_count() or 1


def choose_jobs(requested: int | None, total: int) -> int:
    """How many processes assess a batch of `total` items: --jobs, or the available CPUs for a large batch;
    1 where workers cannot be forked."""
    if requested == 1 or (requested is None and total < PARALLEL_MIN_ITEMS) or not can_fork():
        return 1
    return requested or available_cpus()


def _worker_slice(total: int, jobs: int) -> int:
    """Items per worker slice: about 16 slices per worker (so that a slow or busy worker delays the end by
    little), at most WORKER_SLICE_MAX."""
    return max(1, min(WORKER_SLICE_MAX, -(-total // (jobs * 16))))


class _WorkerDied(Exception):
    def __init__(self, first: int) -> None:
        super().__init__(
            f"a worker process stopped unexpectedly: the items from {first} on were not assessed "
            f"(the lines of the items before it are written); --jobs 1 assesses in one process"
        )


class _Workers:
    """Worker processes that assess slices of the batch; their outcomes come back in input order.

    Leaving the `with` block early (--strict, an internal error, Ctrl-C, SIGTERM, a closed stdout) drops
    the slices not started and lets the workers finish those they are on, then stops them. (A worker
    killed while it sends its lines would leave the pool waiting for the rest of them.)
    """

    def __init__(self, batch: _Batch, jobs: int, start: int) -> None:
        self.batch = batch
        self.start = start  # the items before it are assessed already
        self.size = _worker_slice(len(batch.items) - start, jobs)
        self.jobs = min(jobs, -(-(len(batch.items) - start) // self.size))  # no more workers than slices
        self.pool: ProcessPoolExecutor | None = None
        self.sigterm: Any = None  # the SIGTERM handler to restore
        self.done = False

    def __enter__(self) -> _Workers:
        import gc
        import multiprocessing
        import signal
        from concurrent.futures import ProcessPoolExecutor

        global _BATCH
        _BATCH = self.batch
        sys.stdout.flush()  # a worker flushes its copy of stdout's buffer when it ends: leave it empty
        sys.stderr.flush()
        gc.freeze()  # what the workers inherit stays out of their collector's scans (and so unshared)
        self.pool = ProcessPoolExecutor(
            self.jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_started,
            initargs=(os.getpid(),),
        )
        self.sigterm = signal.signal(signal.SIGTERM, _terminated)
        return self

    def outcomes(self) -> Iterator[_Outcome]:
        from concurrent.futures.process import BrokenProcessPool

        assert self.pool is not None
        total, size = len(self.batch.items), self.size
        slices = ((start, min(start + size, total)) for start in range(self.start, total, size))
        pending: deque[tuple[tuple[int, int], Future[_Outcome]]] = deque()
        for bounds in islice(slices, self.jobs * SLICES_AHEAD):
            pending.append((bounds, self.pool.submit(_assess_slice, *bounds)))
        unsent: int | None = None  # the first item of the slice that a broken pool did not take
        while pending:
            bounds, future = pending.popleft()
            try:
                outcome = future.result()
            except BrokenProcessPool:  # a worker died: this slice, or one before it, was not finished
                raise _WorkerDied(bounds[0] + 1) from None
            yield outcome
            following = next(slices, None) if unsent is None else None
            if following is not None:
                try:
                    pending.append((following, self.pool.submit(_assess_slice, *following)))
                except BrokenProcessPool:  # the slices already handed out may still have been finished
                    unsent = following[0]
        if unsent is not None:
            raise _WorkerDied(unsent + 1)
        self.done = True

    def __exit__(self, *exc: object) -> None:
        import multiprocessing
        import signal

        global _BATCH
        assert self.pool is not None
        self.pool.shutdown(wait=True, cancel_futures=not self.done)
        for child in multiprocessing.active_children():  # only if interrupted while starting the workers
            child.terminate()
        signal.signal(signal.SIGTERM, self.sigterm)
        _BATCH = None


def _shared(stack: ExitStack, batch: _Batch, jobs: int) -> Iterator[_Outcome]:
    """The outcomes of a batch shared between worker processes. This process assesses the first items
    itself: the engine's first assessment loads what it reads lazily (the questions' wording, ...) and
    starts its caches, which the workers then inherit instead of each doing it again."""
    head = batch.assess(0, WARM_ITEMS)
    yield head  # written before the workers are forked
    if head.stop is None:
        yield from stack.enter_context(_Workers(batch, jobs, start=WARM_ITEMS)).outcomes()


# --- the command -------------------------------------------------------------------------------------------


@app.command("assess-batch")
def assess_batch_command(
    file: str = typer.Argument(
        ..., help="A JSON array, a YAML list or a CSV file of profiles; - reads stdin."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="JSON lines (the default when stdout is not a terminal; a summary table otherwise).",
    ),
    regime: str = typer.Option("ai-act-2026", "--regime", help=REGIME_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first invalid item."),
    lang: Lang = typer.Option(
        Lang.en, "--lang", help="Language of obligation titles, deadlines, notes and trace."
    ),
    jobs: int | None = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        help=(
            "Processes assessing the items; the output is the same whatever the number. Default: one per "
            f"CPU available for {PARALLEL_MIN_ITEMS:,} items or more, else 1. Needs fork (Linux): 1 on "
            "macOS and Windows."
        ),
    ),
) -> None:
    """Assess a list of profiles (JSON array, YAML list or CSV), one JSON line per item.

    Lines come out in input order; an invalid item yields {"error": ..., "item": N} in its place (N from 1;
    for CSV the data row, header not counted) and the command exits 2 at the end (--strict: at once).
    A progress bar is shown on stderr when it is a terminal. Large batches are shared between worker
    processes (--jobs); the lines and their order are the same.

    CSV: one profile per row; columns are profile keys, nested keys with a dot (organisation.country,
    annex_i.legislation, article_6_3.profiling_of_natural_persons, transparency.deep_fake,
    gpai_model.training_compute_flop, deployer.public_authority, ...); lists (roles, exclusions,
    prohibited_practices, prohibited_exceptions, annex_iii) separated by ';'; booleans true/false;
    an empty cell means "not given".
    """
    import gc

    from aidesk.rules.engine import today_in_brussels
    from aidesk.rules.regimes import load_regime

    regime = _check_regime(regime)
    when = _parse_as_of(as_of) or today_in_brussels()  # one date for the whole batch
    # Parsing builds the whole input at once, and every object made is still alive: the collector's scans
    # during it would find nothing. Once built, the input (and the regime) live to the end: they are frozen
    # out of the collector's scans, which would otherwise walk them over and over while the batch allocates.
    gc.disable()
    try:
        items, name = _batch_items(file)
        load_regime(regime)
    finally:
        gc.enable()
    gc.freeze()
    batch = _Batch(
        items=items,
        name=name,
        regime=regime,
        when=when,
        lang=lang.value,
        strict=strict,
        table=not as_json and sys.stdout.isatty(),
    )
    total = len(items)
    workers = choose_jobs(jobs, total)
    rows: list[tuple[str, str, str, str, str]] = []
    failed = 0
    with ExitStack() as stack:
        bar = _Bar(stack, total)
        if workers > 1 and total > WARM_ITEMS:
            outcomes = _shared(stack, batch, workers)
        else:
            outcomes = (
                batch.assess(start, min(start + SLICE_ITEMS, total)) for start in range(0, total, SLICE_ITEMS)
            )
        try:
            for outcome in outcomes:
                if batch.table:
                    rows += outcome.rows
                elif outcome.text:
                    sys.stdout.write(outcome.text)
                failed += outcome.failed
                if outcome.stop is not None:
                    code, message = outcome.stop
                    stack.close()  # the progress bar and the workers, before the last word
                    err_console.print(message, markup=False, soft_wrap=True)
                    raise typer.Exit(code)
                bar.move(outcome.last)
        except _WorkerDied as exc:
            stack.close()
            err_console.print(f"aidesk: internal error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(EXIT_INTERNAL) from None
        except _Terminated:
            import signal

            stack.close()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
    if batch.table:
        _batch_table(rows)
    sys.stdout.flush()
    if failed:
        err_console.print(
            f"aidesk: error: {name}: {failed} of {total} items are invalid (see their error lines)",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
