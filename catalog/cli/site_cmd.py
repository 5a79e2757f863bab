"""`mcp-catalog` commands of the site area (registers nothing until that work lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
