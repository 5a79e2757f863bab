"""Static extraction: bytes and source trees in, tool records out. Pure: never imports or runs server code.

`extract_path` is the entry point used by `mcp-catalog extract` and the crawler.
"""

from __future__ import annotations

from pathlib import Path

from catalog.config import Settings
from catalog.records import ExtractionResult


def extract_path(path: Path, settings: Settings | None = None) -> ExtractionResult:
    """Extract the tools of the server(s) in a directory, archive or tools/list JSON file."""
    from crawler.extract.dispatch import extract_path as _extract

    return _extract(path, settings)
