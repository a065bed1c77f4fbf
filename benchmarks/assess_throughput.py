"""Throughput of the rules engine: 20,000 varied profiles through `aidesk assess-batch` (issue 4).

What it measures:

- cli: wall-clock and CPU time of `aidesk assess-batch FILE --json --jobs N > /dev/null` as a whole process
  (start-up, parsing, validation, assessment, JSON output; the CPU time of its worker processes included),
  for the same profiles as a JSON array, a YAML list and a CSV file, in one process (`--jobs 1`) and shared
  between worker processes (`--jobs 2` by default); best and median of `--runs` runs, the variants
  alternated within each run, in profiles per second;
- engine: `aidesk.rules.engine.assess` alone, warm (regimes loaded, one pass done before timing),
  in µs per profile, next to the cost of validating a profile (`profile_from_data`) and of
  serialising an assessment (`Assessment.to_json`).

The profiles are generated from a fixed seed, valid by construction (the generator checks each one),
and cover every kind, role, Annex III point, prohibited practice and exception, Annex I act, exclusion,
GPAI model case and a spread of dates around the regimes' application dates. Keys are sometimes left
out, sometimes given as false, so that the open-question logic is exercised too.

Usage:
    .venv/bin/python benchmarks/assess_throughput.py [--n 20000] [--seed 4] [--runs 3] [--dir DIR]
        [--jobs 1,2]      the --jobs values timed (and written with --outputs); "default" runs the
                          command without --jobs (its own default; also for code older than --jobs)
        [--outputs DIR]   also write the JSON lines of each file (fixed --as-of, both regimes, en/fr)
                          to DIR, to compare two versions of the code byte for byte: FMT-VARIANT.jsonl
                          for the first --jobs value, FMT-VARIANT.jobsN.jsonl for the others (checked
                          equal to the first)
        [--no-cli] [--no-engine]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AIDESK = ROOT / ".venv" / "bin" / "aidesk"

# Dates the regimes turn on (a day before, the day, a day after), and a spread of others.
PIVOTS = [
    date(2024, 8, 1),
    date(2025, 2, 2),
    date(2025, 8, 2),
    date(2026, 7, 27),
    date(2026, 8, 2),
    date(2026, 12, 2),
    date(2027, 8, 2),
    date(2027, 12, 2),
    date(2028, 8, 2),
    date(2030, 8, 2),
    date(2030, 12, 31),
]
COUNTRIES = ["FR", "DE", "IT", "ES", "NL", "IE", "PL", "SE", "BE", "AT", "NO", "IS", "LI", "CH", "US", "GB", "CN", "JP", "IN", "CA"]  # fmt: skip
WORDS = (  # noqa: SIM905
    "assistant screening scoring triage chatbot recommender detector planner monitor copilot classifier "
    "forecaster vision speech translation matching routing grading tutor insurance credit hiring border "
    "energy water traffic clinic school bank court police migration exam emotion biometric deepfake"
).split()


def _vocab() -> dict[str, list[str]]:
    from aidesk.rules.vocab import (
        ANNEX_III_POINTS,
        ARTICLE_6_3_CONDITIONS,
        AnnexIAct,
        Exclusion,
        Practice,
        PracticeException,
        Role,
        Size,
    )

    return {
        "roles": [r.value for r in Role],
        "sizes": [s.value for s in Size],
        "exclusions": [e.value for e in Exclusion],
        "practices": [p.value for p in Practice],
        "exceptions": [e.value for e in PracticeException],
        "annex_i": [a.value for a in AnnexIAct],
        "annex_iii": list(ANNEX_III_POINTS),
        "art_6_3": [*ARTICLE_6_3_CONDITIONS, "profiling_of_natural_persons"],
        "transparency": [
            "interacts_with_natural_persons",
            "generates_synthetic_content",
            "emotion_recognition",
            "biometric_categorisation",
            "deep_fake",
            "public_interest_text",
            "human_editorial_review",
        ],
        "deployer": ["public_authority", "provides_public_services", "workplace_use"],
    }


def _date(rng: random.Random) -> date:
    if rng.random() < 0.5:
        return rng.choice(PIVOTS) + timedelta(days=rng.choice((-1, 0, 1)))
    return date(2023, 1, 1) + timedelta(days=rng.randrange(9 * 365))


def _flags(rng: random.Random, keys: list[str], p_true: float, p_given: float) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for key in keys:
        if rng.random() < p_given:
            out[key] = rng.random() < p_true
    return out


def _profile(rng: random.Random, n: int, v: dict[str, list[str]]) -> dict[str, Any]:
    r = rng.random
    kind = rng.choices(["ai_system", "gpai_system", "gpai_model"], weights=[6, 2, 2])[0]
    words = rng.sample(WORDS, 3)
    data: dict[str, Any] = {"name": f"{words[0]} {words[1]} #{n}"}
    if r() < 0.3:
        data["schema"] = "aidesk/profile/v1"
    if r() < 0.5:
        data["description"] = f"A {words[0]} {words[2]} system, for {' and '.join(rng.sample(WORDS, 2))}."
    if r() < 0.9 or kind != "ai_system":
        data["kind"] = kind
    org: dict[str, Any] = {}
    if r() < 0.5:
        org["name"] = f"{words[2].title()} {rng.choice(['SAS', 'GmbH', 'BV', 'Ltd', 'Inc', 'SpA'])}"
    if r() < 0.8:
        org["country"] = rng.choice(COUNTRIES)
    if r() < 0.8:
        org["size"] = rng.choice(v["sizes"])
    if org or r() < 0.5:
        data["organisation"] = org
    if r() < 0.95:
        k = rng.choices([0, 1, 2, 3], weights=[1, 10, 5, 2])[0]
        data["roles"] = rng.sample(v["roles"], k)
    loc = {
        key: (r() < 0.8)
        for key in ("established_in_eu", "placed_on_eu_market", "output_used_in_eu")
        if r() < 0.75
    }
    if loc or r() < 0.5:
        data["location"] = loc
    if r() < 0.8:
        placed = _date(rng)
        data["placed_on_market"] = placed.isoformat()
        if r() < 0.25:
            data["significant_change_after"] = (placed + timedelta(days=rng.randrange(2000))).isoformat()
    if r() < 0.12:
        data["exclusions"] = rng.sample(v["exclusions"], rng.choice((1, 1, 2)))
    elif r() < 0.3:
        data["exclusions"] = []
    if kind == "gpai_model":
        model: dict[str, Any] = {}
        if r() < 0.8:
            model["training_compute_flop"] = rng.choice(
                [None, 1e22, 3.5e23, 1e25, 1.0000001e25, 2e25, 3e25, 5.4e26, float(10**24)]
            )
        model.update(_flags(rng, ["open_source", "designated_systemic_risk"], 0.3, 0.7))
        data["gpai_model"] = model
        return data
    if kind == "gpai_system" and r() < 0.5:
        data["gpai_model"] = {
            "training_compute_flop": rng.choice([1e23, 2e25, 4e25]),
            **_flags(rng, ["open_source", "designated_systemic_risk"], 0.3, 0.6),
        }
    if r() < 0.12:
        practices = rng.sample(v["practices"], rng.choice((1, 1, 2)))
        data["prohibited_practices"] = practices
        if r() < 0.5:
            data["prohibited_exceptions"] = rng.sample(v["exceptions"], rng.choice((1, 2)))
        elif r() < 0.3:
            data["prohibited_exceptions"] = []
    elif r() < 0.4:
        data["prohibited_practices"] = []
    if r() < 0.2:
        annex_i: dict[str, Any] = {"legislation": rng.choice(v["annex_i"])}
        annex_i.update(_flags(rng, ["safety_component", "third_party_conformity_assessment"], 0.7, 0.8))
        data["annex_i"] = annex_i
    elif r() < 0.05:
        data["annex_i"] = _flags(rng, ["safety_component", "third_party_conformity_assessment"], 0.5, 0.8)
    if r() < 0.45:
        data["annex_iii"] = rng.sample(v["annex_iii"], rng.choice((1, 1, 1, 2, 3)))
        data["article_6_3"] = _flags(rng, v["art_6_3"], 0.25, 0.5)
    elif r() < 0.3:
        data["annex_iii"] = []
    if r() < 0.75:
        data["transparency"] = _flags(rng, v["transparency"], 0.35, 0.5)
    if r() < 0.5:
        data["deployer"] = _flags(rng, v["deployer"], 0.3, 0.6)
    return data


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` valid profiles, the same for the same seed."""
    from aidesk.rules.profile import ProfileError, profile_from_data

    rng = random.Random(seed)
    v = _vocab()
    out: list[dict[str, Any]] = []
    while len(out) < n:
        data = _profile(rng, len(out) + 1, v)
        try:
            profile_from_data(data)
        except ProfileError as exc:  # the generator is meant to be valid by construction
            raise SystemExit(f"generated an invalid profile: {exc.one_line()}\n{data}") from None
        out.append(data)
    return out


# --- writers -----------------------------------------------------------------------------------------------


def _yaml_scalar(value: Any, rng: random.Random) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)  # exact; YAML 1.2 also reads 3e25 (no sign, no dot) as a number
        return text.replace("e+", "e") if rng.random() < 0.5 else text
    text = str(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and rng.random() < 0.5:
        return text  # an unquoted date: read as text (YAML 1.2 has no timestamp type for profiles)
    if text.isalnum() and text.isupper() and rng.random() < 0.5:
        return text  # NO, FR: strings under YAML 1.2
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def _yaml_item(data: dict[str, Any], rng: random.Random) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            if not value or rng.random() < 0.3:
                inner = ", ".join(f"{k}: {_yaml_scalar(x, rng)}" for k, x in value.items())
                lines.append(f"{key}: {{{inner}}}")
            else:
                lines.append(f"{key}:")
                lines += [f"  {k}: {_yaml_scalar(x, rng)}" for k, x in value.items()]
        elif isinstance(value, list):
            if not value or rng.random() < 0.5:
                lines.append(f"{key}: [{', '.join(json.dumps(x) for x in value)}]")
            else:
                lines.append(f"{key}:")
                lines += [f"  - {json.dumps(x)}" for x in value]
        else:
            lines.append(f"{key}: {_yaml_scalar(value, rng)}")
    return ["- " + lines[0], *("  " + line for line in lines[1:])]


def write_files(profiles: list[dict[str, Any]], directory: Path) -> dict[str, Path]:
    from aidesk.rules.tabular import CSV_COLUMNS, LIST_SEPARATOR

    directory.mkdir(parents=True, exist_ok=True)
    paths = {fmt: directory / f"profiles.{fmt}" for fmt in ("json", "yaml", "csv")}
    paths["json"].write_text(json.dumps(profiles, ensure_ascii=False, indent=1), encoding="utf-8")
    rng = random.Random(0)
    lines = ["# aidesk benchmark profiles (benchmarks/assess_throughput.py)"]
    for item in profiles:
        lines += _yaml_item(item, rng)
    paths["yaml"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    with paths["csv"].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        columns = list(CSV_COLUMNS)
        writer.writerow(columns)
        for item in profiles:
            row = []
            for column in columns:
                value: Any = item
                for part in column.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                if isinstance(value, list):
                    value = LIST_SEPARATOR.join(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                elif isinstance(value, float):
                    value = repr(value)
                row.append("" if value is None else value)
            writer.writerow(row)
    return paths


# --- measurements --------------------------------------------------------------------------------------------


def _jobs_option(jobs: str) -> list[str]:
    return [] if jobs == "default" else ["--jobs", jobs]


def time_cli(path: Path, jobs: str) -> tuple[float, float]:
    """Seconds of `aidesk assess-batch FILE --json --jobs N > /dev/null`: (wall clock, CPU).

    CPU (user + system time of the process and of its worker processes) does not count the time the
    processes wait for a core, so it is the steadier figure on a shared machine; wall clock is what a
    user waits, and what worker processes shorten.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(AIDESK), "assess-batch", str(path), "--json", *_jobs_option(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"assess-batch {path} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def write_outputs(paths: dict[str, Path], directory: Path, jobs: list[str]) -> None:
    """JSON lines of each input file under fixed options, for a byte-for-byte comparison of versions;
    the outputs of the other --jobs values are also checked against those of the first."""
    directory.mkdir(parents=True, exist_ok=True)
    variants = [
        ("2026-en", ["--as-of", "2026-11-25"]),
        ("2024-fr", ["--as-of", "2027-03-01", "--regime", "ai-act-2024", "--lang", "fr"]),
    ]
    for fmt, path in paths.items():
        for label, options in variants:
            first = directory / f"{fmt}-{label}.jsonl"
            for n in jobs:
                target = first if n == jobs[0] else directory / f"{fmt}-{label}.jobs{n}.jsonl"
                with target.open("wb") as fh:
                    subprocess.run(
                        [str(AIDESK), "assess-batch", str(path), "--json", *_jobs_option(n), *options],
                        stdout=fh,
                        check=True,
                    )
                if target != first and not _same(target, first):
                    raise SystemExit(f"{target} differs from {first}")
                print(
                    f"  wrote {target}"
                    + (f" (the same bytes as --jobs {jobs[0]})" if target != first else "")
                )


def _same(a: Path, b: Path) -> bool:
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def time_engine(profiles: list[dict[str, Any]], passes: int = 3) -> dict[str, float]:
    """CPU µs per profile, warm: validation, assessment, serialisation (best of `passes`).

    As in a batch, each result is dropped once made, and the inputs are kept out of the garbage
    collector's scans (`gc.freeze`, as `assess-batch` does); CPU time, not wall clock, so that other work
    on the machine does not count.
    """
    from aidesk.rules.engine import assess
    from aidesk.rules.profile import profile_from_data

    when = date(2026, 11, 25)
    parsed = [profile_from_data(p) for p in profiles]
    for p in parsed:
        assess(p, "ai-act-2026", when).to_json()  # warm: regimes, catalogue, caches
    sample = [assess(p, "ai-act-2026", when) for p in parsed[:2000]]
    gc.collect()
    gc.freeze()
    clock = time.process_time
    results: dict[str, list[float]] = {"validate": [], "assess": [], "to_json": []}
    for _ in range(passes):
        start = clock()
        for p in profiles:
            profile_from_data(p)
        results["validate"].append((clock() - start) / len(profiles))
        start = clock()
        for q in parsed:
            assess(q, "ai-act-2026", when)
        results["assess"].append((clock() - start) / len(parsed))
        start = clock()
        for a in sample:
            a.to_json()
        results["to_json"].append((clock() - start) / len(sample))
    gc.unfreeze()
    return {k: min(v) * 1e6 for k, v in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/aidesk-assess-bench"))
    parser.add_argument("--outputs", type=Path, default=None)
    parser.add_argument("--jobs", default="1,2", help='the --jobs values, e.g. 1,2 ("default": none given)')
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--no-engine", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    profiles = generate(args.n, args.seed)
    paths = write_files(profiles, args.dir)
    print(f"generated {len(profiles)} profiles (seed {args.seed}) in {time.perf_counter() - start:.1f} s:")
    for fmt, path in paths.items():
        print(f"  {fmt}: {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {date.today().isoformat()}")  # fmt: skip

    jobs = [n.strip() for n in args.jobs.split(",")]
    if args.outputs is not None:
        write_outputs(paths, args.outputs, jobs)

    if not args.no_cli:
        print(f"\ncli: {AIDESK.relative_to(ROOT)} assess-batch FILE --json --jobs N > /dev/null  "
              f"({args.runs} runs, --jobs {args.jobs} alternated)")  # fmt: skip
        times: dict[tuple[str, str], list[tuple[float, float]]] = {(f, n): [] for f in paths for n in jobs}
        for _ in range(args.runs):
            for fmt, path in paths.items():
                for n in jobs:
                    times[fmt, n].append(time_cli(path, n))
        for (fmt, n), measured in times.items():
            walls, cpus = [w for w, _ in measured], [c for _, c in measured]
            best, median, cpu = min(walls), statistics.median(walls), min(cpus)
            print(f"  {fmt:5} --jobs {n}: wall best {best:6.2f} s, median {median:6.2f} s → {len(profiles) / best:7,.0f} profiles/s "
                  f"(median {len(profiles) / median:,.0f}/s); CPU best {cpu:6.2f} s, median {statistics.median(cpus):6.2f} s "
                  f"→ {len(profiles) / cpu:7,.0f} profiles/CPU-s")  # fmt: skip
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"  load average after the runs (1, 5, 15 min): {load}")

    if not args.no_engine:
        us = time_engine(profiles)
        print("\nengine (warm, CPU µs per profile, best of 3 passes):")
        print(f"  validate (profile_from_data) {us['validate']:7.1f} µs")
        print(f"  assess                       {us['assess']:7.1f} µs")
        print(f"  Assessment.to_json           {us['to_json']:7.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
