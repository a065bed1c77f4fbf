"""Checks of the bundled legal data, shared by `aidesk law validate` and the test suite."""

from __future__ import annotations

from dataclasses import dataclass, field

from aidesk.law.citations import CitationError, Kind, format_citation, parse
from aidesk.law.corpus import LANGUAGES, Corpus, available_versions, load_corpus


@dataclass(frozen=True)
class Summary:
    version: str
    lang: str
    recitals: int
    articles: int
    annexes: int
    provisions: int


@dataclass
class Report:
    summaries: list[Summary] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checks: int = 0

    def check(self, ok: bool, problem: str) -> None:
        self.checks += 1
        if not ok:
            self.problems.append(problem)


def _check_one(corpus: Corpus, report: Report) -> None:
    where = f"{corpus.version}/{corpus.lang}"
    for citation, provision in corpus.provisions():
        text = format_citation(citation)
        try:
            again = parse(text)
        except CitationError as exc:
            report.check(False, f"{where}: {text!r} does not parse back: {exc}")
            continue
        report.check(again == citation, f"{where}: {text!r} parses back as {again!r}")
        report.check(bool(provision.full_text.strip()), f"{where}: {text} has no text")
    # Annexes the law cites point by point must have parsed into points.
    for number, annex in corpus.annexes.items():
        has_points = bool(annex.points) or any(s.points for s in annex.sections)
        if number != "II":  # Annex II is a list of offences, not of points
            report.check(has_points, f"{where}: Annex {number} parsed into no points")


def validate_corpora() -> Report:
    report = Report()
    for version in available_versions():
        loaded: dict[str, Corpus] = {}
        for lang in LANGUAGES:
            try:
                corpus = load_corpus(version, lang)
            except (CitationError, FileNotFoundError) as exc:
                report.check(False, f"{version}/{lang}: cannot load: {exc}")
                continue
            loaded[lang] = corpus
            annex_count = len(corpus.annexes)
            report.summaries.append(
                Summary(
                    version, lang, len(corpus.recitals), len(corpus.articles), annex_count, len(corpus.index)
                )
            )
            _check_one(corpus, report)
        if len(loaded) == 2:
            en, fr = (set(loaded[lang].index) for lang in LANGUAGES)
            missing_fr = sorted(format_citation(c) for c in en - fr)
            missing_en = sorted(format_citation(c) for c in fr - en)
            report.check(not missing_fr, f"{version}: in English only: {', '.join(missing_fr[:10])}")
            report.check(not missing_en, f"{version}: in French only: {', '.join(missing_en[:10])}")
    report.check(
        all(s.recitals and s.articles for s in report.summaries), "a corpus has no recitals or no articles"
    )
    kinds = {c.kind for s in report.summaries for c in load_corpus(s.version, s.lang).index}
    report.check(kinds == set(Kind), "the corpus lacks a kind of provision")
    return report
