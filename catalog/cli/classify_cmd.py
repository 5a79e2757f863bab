"""`mcp-catalog classify` commands (owned by the classify work; registers nothing until it lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
