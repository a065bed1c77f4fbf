"""Crawl the web desk: every internal link answers 200, and every `#anchor` a link names exists on the
page it points to (so a citation link always lands on its paragraph or point)."""

from __future__ import annotations

import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

from web_support import Server, login

from aidesk.web.assess import encode_profile

SEEDS = [
    "/",
    "/?lang=fr",
    "/assess/example",
    "/law?version=2024",
    "/describe?text=our+chatbot+answers+customers",
    # The next steps of a result with a sector chosen: entries, facilities and data spaces of the sector.
    "/assess/example?sector=healthcare",
]
# Signed in: the inventory and what it links to (the law and the directory are crawled above).
SIGNED_IN_SEEDS = ["/inventory", "/inventory?lang=fr"]
SIGNED_IN_PREFIXES = ("/inventory", "/assess", "/signin", "/describe")
# Addresses not crawled: the API's own docs and schema, language switches (they redirect), JSON twins,
# document downloads (rendered files, checked in test_desk_pages), the calendar feed.
SKIP_PREFIXES = ("/docs", "/redoc", "/openapi.json", "/lang/", "/static/", "/api/", "/assess/documents/")
SKIP_PARTS = ("/documents/", "/deadlines.ics")
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
    if any(part in parts.path for part in SKIP_PARTS):
        return False
    query = dict(parse_qsl(parts.query))
    if query.get("format") == "json":
        return False
    # The directory's filters combine without end: follow at most one filter at a time.
    return not (parts.path == "/directory" and sum(1 for k in DIRECTORY_FILTERS if query.get(k)) > 1)


def _normalise(path: str) -> str:
    """Every page links to the sign-in page with its own `next`: one of them is enough."""
    return "/signin" if path.startswith("/signin?") else path


def _crawl(
    server: Server, seeds: list[str], headers: dict[str, str] | None = None, within: tuple[str, ...] = ()
) -> tuple[dict[str, int], dict[str, str], dict[str, _Links], list[tuple[str, str, str]]]:
    seen: dict[str, _Links] = {}
    statuses: dict[str, int] = {}
    referrers: dict[str, str] = {}
    wanted_anchors: list[tuple[str, str, str]] = []
    queue = deque(seeds)
    for s in seeds:
        referrers[s] = "(seed)"

    def fetch(path: str) -> tuple[str, int, _Links]:
        reply = server.get(path, **(headers or {}))
        if reply.status == 303 and reply.headers.get("location", "").startswith("/signin?next="):
            return path, 200, _Links()  # a page of the inventory, asking to sign in first
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
                    bare = _normalise(bare)
                    if not bare.startswith("/") or not _wanted(bare):
                        continue
                    if within and not bare.startswith(within):
                        continue
                    if fragment:
                        wanted_anchors.append((path, bare, fragment))
                    if bare not in statuses and bare not in referrers:
                        referrers[bare] = path
                        queue.append(bare)

    return statuses, referrers, seen, wanted_anchors


def _check(
    statuses: dict[str, int],
    referrers: dict[str, str],
    seen: dict[str, _Links],
    wanted_anchors: list[tuple[str, str, str]],
) -> None:
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


def test_no_broken_internal_links_or_anchors(server: Server) -> None:
    statuses, referrers, seen, anchors = _crawl(server, SEEDS)
    _check(statuses, referrers, seen, anchors)
    assert len(statuses) > 500  # the law, both versions, the directory and its entries were all reached
    assert "/assess/wizard" in statuses and "/signin" in statuses


def test_no_broken_links_on_the_signed_in_pages(server: Server) -> None:
    headers = login(server)
    # Something to link to: a system assessed under both regimes (history, diffs, documents).
    profile = {"name": "Crawled CV screening", "roles": ["provider", "deployer"], "annex_iii": ["4(a)"]}
    for regime in ("ai-act-2024", "ai-act-2026"):
        page = server.get(
            f"/assess/result?p={encode_profile(profile)}&regime={regime}", Cookie=headers["Cookie"]
        )
        fields = dict(re.findall(r'name="(csrf_token|p|regime)" value="([^"]*)"', page.text))
        reply = server.request(
            "POST",
            "/inventory/save",
            urlencode({**fields, "update": "1"}),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": headers["Cookie"]},
        )
        assert reply.status == 303, reply.text[:300]
    statuses, referrers, seen, anchors = _crawl(
        server, SIGNED_IN_SEEDS, {"Cookie": headers["Cookie"]}, within=SIGNED_IN_PREFIXES
    )
    _check(statuses, referrers, seen, anchors)
    assert any(p.startswith("/inventory/systems/") for p in statuses)
    assert {"/inventory/import", "/inventory/reassess", "/inventory/calendar"} <= set(statuses)
