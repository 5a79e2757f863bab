"""`mcp-catalog extract`: list the tools a server's source, package or tools/list dump declares."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.common import JsonOption, UserError, friendly_errors, out, print_json


def register(app: typer.Typer) -> None:
    @app.command("extract")
    @friendly_errors
    def extract(
        path: Annotated[
            Path, typer.Argument(help="Server source folder, archive (.tar.gz .tgz .zip .whl) or tools/list JSON file.")
        ],
        json_out: JsonOption = False,
    ) -> None:
        """Extract tool definitions statically (the code is parsed, never run).

        Example: mcp-catalog extract ./my-server --json
        """
        from crawler.extract import extract_path

        if not path.exists():
            raise UserError(f"{path}: no such file or directory")
        result = extract_path(path)
        tools = result.tools
        if json_out:
            print_json([t.to_json() for t in tools])
        else:
            for t in tools:
                first = (t.description or "").strip().splitlines()[0:1]
                out.print(f"{t.name}\t{first[0] if first else ''}", highlight=False, markup=False)
        for problem in result.problems:
            from catalog.cli.common import console

            console.print(f"skipped {problem.path}: {problem.reason}", highlight=False, markup=False)
