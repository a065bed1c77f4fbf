"""Crawl the web desk: every internal link answers 200, and every `#anchor` a link names exists on the
page it points to (so a citation link always lands on its paragraph or point)."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from conftest import Server

SEEDS = ["/", "/?lang=fr", "/assess/example", "/law?version=2024"]
# Addresses not crawled: the API's own docs and schema, language switches (they redirect), JSON twins.
SKIP_PREFIXES = ("/docs", "/redoc", "/openapi.json", "/lang/", "/static/", "/api/")
DIRECTORY_FILTERS = ("q", "country", "kind", "sector")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"] or "")


def _wanted(path: str) -> bool:
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or parts.path.startswith(SKIP_PREFIXES):
        return False
    query = dict(parse_qsl(parts.query))
    if query.get("format") == "json":
        return False
    # The directory's filters combine without end: follow at most one filter at a time.
    return not (parts.path == "/directory" and sum(1 for k in DIRECTORY_FILTERS if query.get(k)) > 1)


def test_no_broken_internal_links_or_anchors(server: Server) -> None:
    seen: dict[str, _Links] = {}
    statuses: dict[str, int] = {}
    referrers: dict[str, str] = {}
    wanted_anchors: list[tuple[str, str, str]] = []
    queue = deque(SEEDS)
    for s in SEEDS:
        referrers[s] = "(seed)"

    def fetch(path: str) -> tuple[str, int, _Links]:
        reply = server.get(path)
        parser = _Links()
        if reply.headers.get("content-type", "").startswith("text/html"):
            parser.feed(reply.text)
        return path, reply.status, parser

    with ThreadPoolExecutor(max_workers=4) as pool:
        while queue:
            batch = []
            while queue:
                batch.append(queue.popleft())
            for path, status, parser in pool.map(fetch, batch):
                statuses[path] = status
                seen[path] = parser
                for href in parser.links:
                    target = urljoin(path, href)
                    target = target.replace(server.base, "") if target.startswith(server.base) else target
                    bare, fragment = urldefrag(target)
                    if not bare.startswith("/") or not _wanted(bare):
                        continue
                    if fragment:
                        wanted_anchors.append((path, bare, fragment))
                    if bare not in statuses and bare not in referrers:
                        referrers[bare] = path
                        queue.append(bare)

    broken = {p: (s, referrers.get(p)) for p, s in statuses.items() if s != 200}
    assert not broken, f"broken links (status, found on): {broken}"
    missing = sorted(
        {
            (src, f"{dst}#{frag}")
            for src, dst, frag in wanted_anchors
            if dst in seen and frag not in seen[dst].ids
        }
    )
    assert not missing, f"links to anchors that do not exist: {missing[:20]} ({len(missing)} in all)"
    assert len(statuses) > 500  # the law, both versions, the directory and its entries were all reached
