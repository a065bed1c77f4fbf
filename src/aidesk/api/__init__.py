"""The HTTP API (FastAPI): a thin adapter over the inventory services (issue 8).

`create_app()` builds the application; `aidesk serve` (to come) runs it with uvicorn.
"""
