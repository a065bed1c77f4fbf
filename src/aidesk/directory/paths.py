"""Where the directory's user overlay lives: `AIDESK_DATA_DIR` or the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    env = os.environ.get("AIDESK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("aidesk", appauthor=False))


def overlay_path(base: Path | None = None) -> Path:
    """The user's directory updates (written by `aidesk directory import`), merged over the packaged data."""
    return (base if base is not None else data_dir()) / "directory" / "overlay.json"
