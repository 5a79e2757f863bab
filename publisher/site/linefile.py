"""A JSON header line, then one line per record: a small JSON array, a tab, and a blob of JSON text.

The build's bookkeeping files (manifest, cache) hold one large JSON blob per server that a rebuild
mostly copies unread. Nested inside one JSON document, every blob would be escaped on writing and
unescaped on reading (tens of megabytes at 100,000 tools); on a line of its own it is copied as it is.
JSON text never holds a raw newline, so a line is a record; the array before the tab holds no tab.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_records(path: Path, header: dict[str, Any], records: Iterable[tuple[list[Any], str]]) -> None:
    """Write atomically (temporary file, then rename): a reader never sees half a file."""
    lines = [json.dumps(header, separators=(",", ":"))]
    lines += [json.dumps(head, separators=(",", ":")) + "\t" + blob for head, blob in records]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_records(path: Path) -> tuple[dict[str, Any], list[tuple[list[Any], str]]] | None:
    """The header and the records; None when the file is missing or not in this format."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
        header = json.loads(lines[0])
        records = []
        for line in lines[1:]:
            if line:
                head, _, blob = line.partition("\t")
                records.append((json.loads(head), blob))
    except (OSError, ValueError, IndexError):
        return None
    if not isinstance(header, dict) or not all(isinstance(head, list) for head, _ in records):
        return None
    return header, records
