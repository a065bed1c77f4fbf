"""The home page (the three questions) and the page about sources and licences."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aidesk.web.render import page

router = APIRouter()

HTMX_VERSION = "2.0.11"


@router.get("/", name="home")
def home(request: Request) -> Response:
    data = {
        "questions": [
            {"id": "requirements", "href": "/assess"},
            {"id": "rule", "href": "/law"},
            {"id": "help", "href": "/directory"},
        ]
    }
    return page(request, "home.html", data)


@router.get("/about", name="about")
def about(request: Request) -> Response:
    return page(request, "about.html", {"htmx": HTMX_VERSION, "licence": "EUPL-1.2"})
