"""`aidesk assess-batch` as a user runs it, in one process and shared between worker processes (--jobs):
the same lines in input order, the same errors with their item numbers, the same exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aidesk.cli.assess_batch import PARALLEL_MIN_ITEMS, WARM_ITEMS, available_cpus, can_fork, choose_jobs

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples" / "profiles").glob("*.yaml"))
ENV = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}

forking = pytest.mark.skipif(not can_fork(), reason="worker processes are forked (Linux)")

# Runs the CLI with the engine failing on the profile named "boom" in the way given by FAILURE.
FAILING_ENGINE = """
import os, signal, sys
import aidesk.rules.engine as engine

real = engine.assess

def assess(profile, *args):
    if profile.name == "boom":
        if os.environ["FAILURE"] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("the engine broke on boom")
    return real(profile, *args)

engine.assess = assess
from aidesk.cli import main

sys.argv = ["aidesk", *sys.argv[1:]]
main()
"""


def aidesk(
    *args: str, stdin: str | None = None, failure: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", FAILING_ENGINE] if failure else [sys.executable, "-m", "aidesk"]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**ENV, "FAILURE": failure or ""},
    )


def _examples() -> list[dict[str, object]]:
    from aidesk.rules.profile import parse_text

    return [
        json.loads(json.dumps(parse_text(path.read_text(encoding="utf-8"), "yaml"), default=str))
        for path in EXAMPLES
    ]


def _varied(n: int) -> list[object]:
    """n items: the example profiles renamed in turn, with an invalid item every 17th."""
    examples = _examples()
    items: list[object] = []
    for i in range(1, n + 1):
        if i % 17 == 0:
            items.append({"name": f"bad {i}", "roles": ["boss"]} if i % 2 else ["not", "a", "mapping"])
        else:
            items.append({**examples[i % len(examples)], "name": f"system {i}"})
    return items


def _write(tmp_path: Path, items: list[object], name: str = "batch.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(items), encoding="utf-8")
    return str(path)


def test_one_line_per_item_in_input_order_with_bad_items_numbered(tmp_path: Path) -> None:
    items = _varied(40)
    r = aidesk("assess-batch", _write(tmp_path, items), "--json", "--as-of", "2026-11-25", "--jobs", "1")
    assert r.returncode == 2
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 40
    for n, line in enumerate(lines, start=1):
        if n % 17 == 0:
            assert line["item"] == n and line["error"].startswith(f"{tmp_path / 'batch.json'}: item {n}: ")
        else:
            assert line["profile"] == f"system {n}" and line["as_of"] == "2026-11-25"
    assert "roles[0]" in lines[16]["error"] and "must be a mapping" in lines[33]["error"]
    assert r.stderr.strip().endswith("2 of 40 items are invalid (see their error lines)")


@forking
@pytest.mark.parametrize("jobs", ["2", "3"])
def test_workers_write_the_same_bytes_as_one_process(tmp_path: Path, jobs: str) -> None:
    path = _write(tmp_path, _varied(300))
    options = ["--json", "--as-of", "2027-03-01", "--regime", "ai-act-2024", "--lang", "fr"]
    one = aidesk("assess-batch", path, *options, "--jobs", "1")
    many = aidesk("assess-batch", path, *options, "--jobs", jobs)
    assert one.returncode == many.returncode == 2
    assert many.stdout == one.stdout and many.stderr == one.stderr
    assert len(one.stdout.splitlines()) == 300


@forking
def test_workers_read_csv_and_yaml_with_row_numbers(tmp_path: Path) -> None:
    csv = tmp_path / "inventory.csv"
    rows = ["name,roles,annex_iii,transparency.deep_fake"]
    rows += [
        f"system {i},{'provider' if i % 2 else 'deployer'},{'4(a)' if i % 3 else ''},true"
        for i in range(1, 150)
    ]
    rows[30] = "broken,deployer,,maybe"
    rows[120] = "broken,deployer,,true,extra"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    yaml = tmp_path / "inventory.yaml"
    yaml.write_text(
        "".join(
            f"- name: system {i}\n  roles: [{'boss' if i in (7, 99) else 'provider'}]\n"
            for i in range(1, 150)
        ),
        encoding="utf-8",
    )
    for path, bad in ((csv, (30, 120)), (yaml, (7, 99))):
        one = aidesk("assess-batch", str(path), "--json", "--as-of", "2026-11-25", "--jobs", "1")
        two = aidesk("assess-batch", str(path), "--json", "--as-of", "2026-11-25", "--jobs", "2")
        assert one.returncode == two.returncode == 2
        assert two.stdout == one.stdout and two.stderr == one.stderr
        lines = one.stdout.splitlines()
        assert len(lines) == 149 and [json.loads(lines[n - 1])["item"] for n in bad] == list(bad)


def test_strict_stops_at_the_first_invalid_item(tmp_path: Path) -> None:
    items = [item for item in _varied(300) if "bad" not in str(item) and "not" not in str(item)]
    items[99] = {"name": "bad", "roles": ["boss"]}  # past the items assessed before workers start
    path = _write(tmp_path, items)
    r = aidesk("assess-batch", path, "--json", "--strict", "--as-of", "2026-11-25", "--jobs", "1")
    assert r.returncode == 2
    lines = r.stdout.splitlines()
    assert len(lines) == 100 and json.loads(lines[-1])["item"] == 100
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(
        f"aidesk: error: {path}: item 100: roles[0]: "
    )
    if can_fork():
        two = aidesk("assess-batch", path, "--json", "--strict", "--as-of", "2026-11-25", "--jobs", "2")
        assert (two.returncode, two.stdout, two.stderr) == (r.returncode, r.stdout, r.stderr)


@forking
def test_workers_read_stdin_too() -> None:
    text = json.dumps(_varied(100))
    one = aidesk("assess-batch", "-", "--json", "--as-of", "2026-11-25", "--jobs", "1", stdin=text)
    two = aidesk("assess-batch", "-", "--json", "--as-of", "2026-11-25", "--jobs", "2", stdin=text)
    assert one.returncode == two.returncode == 2
    assert two.stdout == one.stdout and two.stderr == one.stderr and "<stdin>: item 17: " in one.stdout


def test_an_empty_list_gives_no_lines(tmp_path: Path) -> None:
    r = aidesk("assess-batch", _write(tmp_path, []), "--json", "--jobs", "2")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


def test_help_documents_jobs() -> None:
    r = aidesk("assess-batch", "--help")
    assert r.returncode == 0 and "--jobs" in r.stdout and "the output is the same" in r.stdout


def test_jobs_must_be_a_positive_number(tmp_path: Path) -> None:
    r = aidesk("assess-batch", _write(tmp_path, _varied(3)), "--json", "--jobs", "0")
    assert r.returncode == 2 and r.stdout == ""


def test_small_batches_stay_in_one_process_unless_asked() -> None:
    assert choose_jobs(None, PARALLEL_MIN_ITEMS - 1) == 1
    assert choose_jobs(1, 10**6) == 1
    if can_fork():
        assert choose_jobs(None, PARALLEL_MIN_ITEMS) == available_cpus()
        assert choose_jobs(3, 10) == 3
    else:
        assert choose_jobs(3, 10**6) == 1


@forking
def test_an_internal_error_in_a_worker_is_reported_as_in_one_process(tmp_path: Path) -> None:
    items = _varied(200)
    items[149] = {"name": "boom"}
    path = _write(tmp_path, items)
    one = aidesk("assess-batch", path, "--json", "--as-of", "2026-11-25", "--jobs", "1", failure="raise")
    two = aidesk("assess-batch", path, "--json", "--as-of", "2026-11-25", "--jobs", "2", failure="raise")
    assert one.returncode == two.returncode == 1
    assert one.stderr == two.stderr == "aidesk: internal error: RuntimeError: the engine broke on boom\n"
    assert two.stdout == one.stdout and len(one.stdout.splitlines()) == 149


@forking
def test_a_worker_that_dies_ends_the_batch_with_a_clear_error_and_the_lines_before_it(tmp_path: Path) -> None:
    items = _varied(200)
    items[149] = {"name": "boom"}
    path = _write(tmp_path, items)
    whole = aidesk("assess-batch", path, "--json", "--as-of", "2026-11-25", "--jobs", "1", failure="raise")
    r = aidesk("assess-batch", path, "--json", "--as-of", "2026-11-25", "--jobs", "2", failure="kill")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert r.stderr.startswith(
        "aidesk: internal error: a worker process stopped unexpectedly: the items from "
    )
    first = int(r.stderr.split("the items from ", 1)[1].split(" ", 1)[0])
    assert first <= 150
    # Exactly the lines of the items before `first`, as one process writes them.
    assert r.stdout == "".join(whole.stdout.splitlines(keepends=True)[: first - 1])


@forking
@pytest.mark.parametrize(
    ("signum", "group", "returncode"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the whole process group
        (signal.SIGTERM, False, -signal.SIGTERM),  # kill PID: the parent stops its workers, then ends
        (signal.SIGKILL, False, -signal.SIGKILL),  # kill -9 PID: the kernel ends the workers (Linux)
    ],
)
def test_stopping_the_command_stops_its_workers(
    tmp_path: Path, signum: signal.Signals, group: bool, returncode: int
) -> None:
    if signum == signal.SIGKILL and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    path = _write(tmp_path, _varied(5_000), "many.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "aidesk", "assess-batch", path, "--json", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        start_new_session=True,  # a process group of its own, as a shell gives a pipeline
    )
    assert process.stdout is not None
    try:
        for _ in range(WARM_ITEMS + 1):  # past the items assessed before the workers start: they are running
            process.stdout.readline()
        if group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:  # it hung: leave nothing behind
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == returncode
    assert b"Traceback" not in stderr
    deadline = time.monotonic() + 10
    while _running(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(path)


def _running(marker: str) -> list[int]:
    """The processes whose command line names `marker` (the parent and its forked workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found
