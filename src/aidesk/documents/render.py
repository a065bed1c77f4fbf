"""Render a `Document` to Markdown, HTML, PDF, DOCX or JSON bytes.

Markdown and HTML come from the Jinja2 templates in `templates/` (HTML with autoescape on, Markdown
through the `md` escaping filter); the PDF is the HTML laid out by WeasyPrint (no resource is ever
fetched: the stylesheet is inline and every URL is refused); the DOCX is written with python-docx as
literal text, so that compliance teams can edit it in Word; JSON is the document's fields, flat.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib import resources
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from aidesk.documents.model import Document, Field, Section
from aidesk.documents.text import md_escape

Format = Literal["md", "html", "pdf", "docx", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf", "docx", "json")
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


@cache
def _env(kind: Literal["md", "html"]) -> Environment:
    env = Environment(
        loader=PackageLoader("aidesk.documents", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False, default=False
        ),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


@cache
def _css() -> str:
    return (
        resources.files("aidesk.documents").joinpath("templates", "document.css").read_text(encoding="utf-8")
    )


def render_markdown(doc: Document) -> str:
    text = _env("md").get_template("document.md.j2").render(doc=doc, labels=doc.labels)
    # Collapse the blank lines left by template control blocks.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


def render_html(doc: Document) -> str:
    return _env("html").get_template("document.html.j2").render(doc=doc, labels=doc.labels, css=_css())


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"aidesk documents fetch no resource: {url}")


def render_pdf(doc: Document) -> bytes:
    import weasyprint  # type: ignore[import-untyped]  # heavy; only when a PDF is asked for

    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    fetcher = fetcher_class(allowed_protocols=("data",)) if fetcher_class is not None else _refuse
    html = weasyprint.HTML(string=render_html(doc), base_url=None, url_fetcher=fetcher)
    pdf = html.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def _docx_field(document: Any, f: Field, labels: dict[str, str]) -> None:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    para = document.add_paragraph(style="List Bullet")
    para.add_run(f.label).bold = True
    if f.citation:
        cite = para.add_run(f" ({f.citation})")
        cite.font.size = Pt(8)
    para.add_run(f"{labels['colon']} ")
    if f.status == "prefilled":
        para.add_run(f.value or "")
        if f.source:
            src = para.add_run(f" ({f.source})")
            src.italic = True
            src.font.size = Pt(8)
    elif f.status == "not_applicable":
        para.add_run(labels["not_applicable"]).italic = True
        if f.guidance:
            para.add_run(f" — {f.guidance}")
    else:
        todo = para.add_run(labels["todo"])
        todo.bold = True
        todo.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if f.value:
            if f.source:
                para.add_run(f" ({f.source})").italic = True
            para.add_run(
                f" — {labels['proposed']}{labels['colon']} {labels['lquote']}{f.value}{labels['rquote']}"
            )
        if f.guidance:
            guidance = para.add_run(f" — {f.guidance}")
            guidance.italic = True


def _docx_table(document: Any, headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _docx_section(document: Any, s: Section, level: int, doc: Document) -> None:
    from docx.shared import Pt

    document.add_heading(s.heading, level=min(level, 9))
    labels = doc.labels
    if s.citation:
        para = document.add_paragraph()
        run = para.add_run(f"{labels['source']}{labels['colon']} {s.citation}")
        run.italic = True
        run.font.size = Pt(8)
    if s.law:
        for line in s.law.splitlines():
            if line.strip():
                document.add_paragraph(line, style="Quote")
        if s.law_in_english:
            document.add_paragraph().add_run(labels["law_in_english"]).italic = True
    for p in s.paragraphs:
        document.add_paragraph(p)
    for f in s.fields:
        _docx_field(document, f, labels)
    for item in s.items:
        document.add_paragraph(item, style="List Bullet")
    if s.table:
        _docx_table(document, s.table.headers, s.table.rows)
    for n in s.notes:
        document.add_paragraph().add_run(n).italic = True
    for sub in s.subsections:
        _docx_section(document, sub, level + 1, doc)


def render_docx(doc: Document) -> bytes:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.language = doc.lang
    props.keywords = ", ".join(doc.citations)
    props.author = "aidesk"
    document.add_heading(doc.title, level=0)
    document.add_paragraph().add_run(doc.subtitle).italic = True
    labels = doc.labels
    _docx_table(
        document,
        (labels["field"], labels["value"]),
        tuple(
            (
                f.label,
                (f.value or "")
                if f.status == "prefilled"
                else f"{labels['todo']} {f.guidance or ''}".strip(),
            )
            for f in doc.header
        ),
    )
    for p in doc.intro:
        document.add_paragraph(p)
    if doc.citations:
        document.add_paragraph().add_run(
            f"{labels['source']}{labels['colon']} {', '.join(doc.citations)}"
        ).italic = True
    for s in doc.sections:
        _docx_section(document, s, 1, doc)
    for line in doc.footer:
        document.add_paragraph().add_run(line).italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_json(doc: Document) -> str:
    """JSON with `<`, `>` and `&` written as Unicode escapes: the same data, safe to embed in HTML."""
    text = json.dumps(doc.to_json_dict(), ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def render(doc: Document, fmt: Format) -> bytes:
    if fmt == "md":
        return render_markdown(doc).encode("utf-8")
    if fmt == "html":
        return render_html(doc).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(doc)
    if fmt == "docx":
        return render_docx(doc)
    if fmt == "json":
        return render_json(doc).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
