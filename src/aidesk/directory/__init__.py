"""The European AI ecosystem directory: AI Factories, antennas, Gigafactories, EDIHs, TEFs, data
spaces, sandboxes, authorities and EU bodies, each with its sources.

`load()` returns the packaged data with the user's updates merged over it; see `service`.
"""

from __future__ import annotations

from aidesk.directory.schema import Entry, Kind, Sector
from aidesk.directory.service import Directory, DirectoryError, Hit, Lookup, load

__all__ = ["Directory", "DirectoryError", "Entry", "Hit", "Kind", "Lookup", "Sector", "load"]
