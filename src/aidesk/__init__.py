"""aidesk — the one-stop desk for the EU AI Act and the European AI ecosystem."""

__version__ = "0.1.0"
