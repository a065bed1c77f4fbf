"""The question bank: what people ask that each provision answers, in English and French.

The bank is data (`data/questions/*.yaml`, STYLE.md 1), written from the text of the law by
people who had not seen any evaluation questions (doc2query by hand). Each file is a YAML list:

    - cite: "Art. 50(1)"          # one canonical citation (SPEC §3) of the 2026 text
      en: ["Do we have to tell people they are talking to a chatbot?", ...]
      fr: ["Faut-il dire aux gens qu'ils parlent à un robot ?", ...]

The search ranks the bank's questions against the user's question (`aidesk.desk.search`:
embedding similarity, and BM25 in the question's language) and credits each entry's citation.
`load_bank()` reads and checks every file; a bad file raises `BankError` naming the file, the
entry and the fix (the tests load the bank, so a bad file fails CI).

`tools/build_desk_questions.py` embeds every question with multilingual-e5 as a *query* (a
question is matched to questions: the same side of the model for both) and ships the vectors in
`data/question_vectors.npz` (float16, keyed by model and text like `vectors.npz`), together
with the checked bank itself and a digest of the YAML files it was built from. At run time the
desk reads the bank from there — no YAML parsing on the command line's cold start — as long as
the digest matches the files; otherwise (an edited bank, not rebuilt) it reads the YAML, and
embeds the questions the file lacks on first use, once (cached in the user data dir).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aidesk.law.citations import Citation, CitationError, parse
from aidesk.law.corpus import Corpus, load_corpus

# The corpus version the bank's citations are written against.
BANK_VERSION = "2026"
LANGS = ("en", "fr")
KEYS = frozenset({"cite", *LANGS})
MAX_QUESTION_CHARS = 500
QUESTION_VECTORS = "question_vectors.npz"


class BankError(ValueError):
    """A bank file that cannot be used; the message names the file, the entry and the fix."""


@dataclass(frozen=True)
class BankEntry:
    """The questions one provision answers."""

    cite: str  # canonical citation: "Art. 50(1)"
    group: str  # the article, annex or recital it belongs to: "Art. 50"
    questions: dict[str, tuple[str, ...]]  # by language
    sources: tuple[str, ...]  # "file.yaml#3": where it was written (several if merged)


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    cite: str


@dataclass(frozen=True)
class QuestionBank:
    entries: tuple[BankEntry, ...]
    files: tuple[str, ...]

    def questions(self) -> list[Question]:
        """Every question with its language and citation, in the order of the files."""
        return [Question(q, lang, e.cite) for e in self.entries for lang in LANGS for q in e.questions[lang]]

    def groups(self) -> frozenset[str]:
        return frozenset(e.group for e in self.entries)

    def missing(self, corpus: Corpus) -> list[str]:
        """Articles and annexes of `corpus` that no entry cites (nor any part of)."""
        covered = self.groups()
        units = [str(a.citation) for a in corpus.articles.values()]
        units += [str(x.citation) for x in corpus.annexes.values()]
        return [u for u in units if u not in covered]


def bank_dir() -> Traversable:
    return resources.files("aidesk.desk.data").joinpath("questions")


def _where(name: str, i: int, raw: Any) -> str:
    cite = raw.get("cite") if isinstance(raw, dict) else None
    return f"{name}, entry {i + 1}" + (f" ({cite})" if isinstance(cite, str) else "")


def _canonical(cite: Any, where: str, corpus: Corpus) -> Citation:
    if not isinstance(cite, str) or not cite.strip():
        raise BankError(f"{where}: 'cite' is missing: write one citation, e.g. cite: \"Art. 50(1)\"")
    try:
        c = parse(cite)
        node = corpus.resolve(c)
    except CitationError as exc:
        raise BankError(
            f"{where}: cite {cite!r} does not resolve in the {corpus.version} text: {exc}"
        ) from None
    resolved = node.citation
    if str(resolved) != cite:
        raise BankError(
            f"{where}: write the citation the canonical way (SPEC §3): {str(resolved)!r}, not {cite!r}"
        )
    return resolved


def _questions(raw: dict[str, Any], lang: str, where: str) -> tuple[str, ...]:
    value = raw.get(lang, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        raise BankError(f"{where}: '{lang}' must be a list of questions, got {type(value).__name__}")
    out: list[str] = []
    for q in value:
        if not isinstance(q, str) or not q.strip():
            raise BankError(f"{where}: '{lang}' holds an empty or non-text question: {q!r}")
        text = " ".join(q.split())
        if len(text) > MAX_QUESTION_CHARS:
            raise BankError(f"{where}: a question is over {MAX_QUESTION_CHARS} characters: {text[:60]!r}…")
        out.append(text)
    return tuple(dict.fromkeys(out))


def read_entries(data: Any, name: str, corpus: Corpus) -> list[BankEntry]:
    """The entries of one bank file (its parsed YAML), checked against `corpus`."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise BankError(f"{name}: a bank file is a YAML list of entries, got {type(data).__name__}")
    entries = []
    for i, raw in enumerate(data):
        where = _where(name, i, raw)
        if not isinstance(raw, dict):
            raise BankError(f"{where}: an entry is a mapping with 'cite', 'en' and 'fr', got {raw!r}")
        unknown = sorted(set(raw) - KEYS)
        if unknown:
            raise BankError(f"{where}: unknown keys {unknown}: an entry has only {sorted(KEYS)}")
        c = _canonical(raw.get("cite"), where, corpus)
        questions = {lang: _questions(raw, lang, where) for lang in LANGS}
        if not any(questions.values()):
            raise BankError(f"{where}: no question in 'en' or 'fr'")
        entries.append(BankEntry(str(c), str(c.unit), questions, (f"{name}#{i + 1}",)))
    return entries


def _merge(entries: Iterable[BankEntry]) -> tuple[BankEntry, ...]:
    """One entry per citation: entries of several files for the same provision are merged."""
    merged: dict[str, BankEntry] = {}
    for e in entries:
        old = merged.get(e.cite)
        if old is None:
            merged[e.cite] = e
            continue
        questions = {lang: tuple(dict.fromkeys(old.questions[lang] + e.questions[lang])) for lang in LANGS}
        merged[e.cite] = BankEntry(e.cite, e.group, questions, old.sources + e.sources)
    return tuple(merged.values())


def _yaml(text: str, name: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise BankError(f"{name}: not valid YAML: {exc}") from None


def read_bank(directory: Traversable | Path, corpus: Corpus | None = None) -> QuestionBank:
    """The bank of the `*.yaml` files in `directory` (in name order), checked against `corpus`
    (default: the English text of `BANK_VERSION`)."""
    corpus = corpus or load_corpus(BANK_VERSION, "en")
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    entries: list[BankEntry] = []
    for f in files:
        entries += read_entries(_yaml(f.read_text(encoding="utf-8"), f.name), f.name, corpus)
    return QuestionBank(_merge(entries), tuple(f.name for f in files))


@functools.cache
def load_bank() -> QuestionBank:
    """The packaged bank, read and checked once per process."""
    directory = bank_dir()
    if not directory.is_dir():
        return QuestionBank((), ())
    return read_bank(directory)


# --- the shipped, compiled bank and its vectors -----------------------------------------------

Store = dict[int, npt.NDArray[np.float16]]


def source_digest(directory: Traversable | Path | None = None) -> str:
    """A digest of the bank's YAML files (names and bytes), to tell whether a build is current."""
    directory = directory if directory is not None else bank_dir()
    h = hashlib.blake2b(digest_size=16)
    if directory.is_dir():
        for f in sorted((f for f in directory.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name):
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def vectors_path() -> Path:
    return Path(str(resources.files("aidesk.desk.data").joinpath(QUESTION_VECTORS)))


@dataclass(frozen=True)
class Shipped:
    """What `question_vectors.npz` holds: the digest of the YAML it was built from, the bank's
    questions, and their vectors by key (`dense.query_key`)."""

    digest: str
    questions: tuple[Question, ...]
    vectors: Store


def read_shipped(path: Path | None = None) -> Shipped:
    path = path or vectors_path()
    try:
        with np.load(path) as data:
            meta = json.loads(bytes(data["bank"]).decode("utf-8"))
            vectors = dict(zip((int(k) for k in data["keys"]), data["vectors"], strict=True))
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return Shipped("", (), {})
    questions = tuple(Question(text, lang, cite) for lang, cite, text in meta["questions"])
    return Shipped(meta["digest"], questions, vectors)


def write_shipped(path: Path, digest: str, questions: Sequence[Question], vectors: Store) -> None:
    meta = {"digest": digest, "questions": [[q.lang, q.cite, q.text] for q in questions]}
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    keys = np.fromiter(vectors.keys(), dtype=np.uint64, count=len(vectors))
    matrix = (
        np.stack(list(vectors.values())).astype(np.float16) if vectors else np.zeros((0, 384), np.float16)
    )
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, keys=keys, vectors=matrix, bank=blob)
    tmp.replace(path)


def bank_questions(shipped: Shipped | None = None) -> tuple[Question, ...]:
    """The bank's questions: from the shipped build if it is current, else read from the YAML."""
    shipped = shipped if shipped is not None else read_shipped()
    if shipped.questions and shipped.digest == source_digest():
        return shipped.questions
    return tuple(load_bank().questions())


def question_cache_path() -> Path:
    from aidesk.settings import get_settings

    return get_settings().data_dir / "desk" / "question-vectors-cache.npz"
