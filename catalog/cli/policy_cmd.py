"""`mcp-catalog policy` commands (owned by the policy work; registers nothing until it lands)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
