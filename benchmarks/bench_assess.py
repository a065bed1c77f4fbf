"""Micro benchmarks of the rules engine with pytest-benchmark: measured, never asserted.

Each round handles the same 1,000 generated profiles (`assess_throughput.generate`, seed 4), so the
reported times are per 1,000 profiles (divide by 1,000 for µs per profile). `test_assess` is warm (the
engine's memos hold what these profiles share from earlier rounds); `test_assess_first_time` empties them
before each round.

    .venv/bin/pytest benchmarks/bench_assess.py --benchmark-only --benchmark-columns=min,median,rounds
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from aidesk.rules.engine import assess
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, parse_text, profile_from_data
from aidesk.rules.regimes import REGIME_IDS, load_regime

N = 1_000
AS_OF = date(2026, 11, 25)


def _throughput_module() -> ModuleType:
    path = Path(__file__).with_name("assess_throughput.py")
    spec = importlib.util.spec_from_file_location("assess_throughput", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    profiles: list[dict[str, Any]] = _throughput_module().generate(N, 4)
    return profiles


@pytest.fixture(scope="module")
def texts(raw: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    paths = _throughput_module().write_files(raw, tmp_path_factory.mktemp("profiles"))
    return {fmt: path.read_text(encoding="utf-8") for fmt, path in paths.items() if fmt != "csv"}


@pytest.fixture(scope="module")
def profiles(raw: list[dict[str, Any]]) -> list[Profile]:
    return [profile_from_data(p) for p in raw]


@pytest.fixture(scope="module")
def assessments(profiles: list[Profile]) -> list[Assessment]:
    return [assess(p, "ai-act-2026", AS_OF) for p in profiles]


def test_assess(benchmark: Any, profiles: list[Profile]) -> None:
    for p in profiles:  # warm: regimes loaded, caches filled, as in a long batch
        assess(p, "ai-act-2026", AS_OF)
    out = benchmark(lambda: [assess(p, "ai-act-2026", AS_OF) for p in profiles])
    assert len(out) == N


def test_assess_first_time(benchmark: Any, profiles: list[Profile]) -> None:
    """Each round with the engine's memos emptied first, as in a new `assess-batch` process (regimes and
    wording loaded): what the profiles share is computed once per round, nothing is reused from before."""

    def forget() -> None:
        for regime in REGIME_IDS:
            load_regime(regime).memo.clear()

    assess(profiles[0], "ai-act-2026", AS_OF)  # regimes, catalogue, wording
    out = benchmark.pedantic(
        lambda: [assess(p, "ai-act-2026", AS_OF) for p in profiles], setup=forget, rounds=10
    )
    assert len(out) == N


def test_validate(benchmark: Any, raw: list[dict[str, Any]]) -> None:
    out = benchmark(lambda: [profile_from_data(p) for p in raw])
    assert len(out) == N


def test_to_json(benchmark: Any, assessments: list[Assessment]) -> None:
    out = benchmark(lambda: [a.to_json() for a in assessments])
    assert json.loads(out[0])["schema"] == "aidesk/assessment/v1"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_parse(benchmark: Any, texts: dict[str, str], fmt: str) -> None:
    out = benchmark.pedantic(parse_text, args=(texts[fmt], fmt), rounds=3 if fmt == "yaml" else 10)
    assert isinstance(out, list) and len(out) == N
