"""Plain records that stages hand to each other before they reach the database.

Extractors produce ``ToolRecord`` lists (pure, no I/O); the crawler's store turns them into ``Tool`` rows.
The fingerprint is computed from the canonical definition only, so moving a tool to another line or file
never counts as a change, while any change a client could see does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

CANONICAL_FIELDS = ("name", "title", "description", "input_schema", "output_schema", "annotations")


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no whitespace, unicode kept; the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass
class ToolRecord:
    name: str
    description: str | None = None
    title: str | None = None
    input_schema: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    annotations: dict[str, Any] = field(default_factory=dict)  # declared keys only (tri-state)
    file: str | None = None
    line: int | None = None
    origin: str = "static"  # static | package | live | dump
    conditional: str | None = None  # why it is only sometimes registered, if so
    extra: dict[str, Any] = field(default_factory=dict)

    def canonical(self) -> dict[str, Any]:
        return canonical_definition(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema=self.input_schema,
            output_schema=self.output_schema,
            annotations=self.annotations,
        )

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.canonical())

    def to_json(self) -> dict[str, Any]:
        """The `extract --json` shape."""
        out = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "input_schema": self.input_schema,
            "annotations": self.annotations,
            "file": self.file,
            "line": self.line,
        }
        if self.output_schema is not None:
            out["output_schema"] = self.output_schema
        if self.conditional:
            out["conditional"] = self.conditional
        return out

    def to_mcp(self) -> dict[str, Any]:
        """The `tools/list` wire shape (camelCase)."""
        out: dict[str, Any] = {"name": self.name, "description": self.description or ""}
        if self.title:
            out["title"] = self.title
        out["inputSchema"] = self.input_schema or {"type": "object", "properties": {}}
        if self.output_schema:
            out["outputSchema"] = self.output_schema
        if self.annotations:
            out["annotations"] = self.annotations
        return out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def canonical_definition(
    *,
    name: str,
    title: str | None = None,
    description: str | None = None,
    input_schema: dict[str, Any] | None = None,
    output_schema: dict[str, Any] | None = None,
    annotations: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a client sees of a tool, normalised: trailing whitespace and empty values do not matter."""
    return {
        "name": name,
        "title": (title or "").strip() or None,
        "description": (description or "").strip() or None,
        "input_schema": input_schema or None,
        "output_schema": output_schema or None,
        "annotations": annotations or None,
    }


def fingerprint(canonical: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(canonical).encode("utf-8")).hexdigest()


@dataclass
class ExtractionProblem:
    """A file or artifact the extractor skipped, and why (recorded, never raised)."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class ServerExtraction:
    """The tools of one server found in a source tree (a monorepo yields several)."""

    name: str  # package or folder name
    subpath: str = ""  # folder inside the tree ("" = root)
    language: str | None = None
    tools: list[ToolRecord] = field(default_factory=list)
    unresolved: list[dict[str, Any]] = field(default_factory=list)  # dynamic names: {"file","line","reason"}


@dataclass
class ExtractionResult:
    servers: list[ServerExtraction] = field(default_factory=list)
    problems: list[ExtractionProblem] = field(default_factory=list)
    files_scanned: int = 0
    bytes_scanned: int = 0

    @property
    def tools(self) -> list[ToolRecord]:
        return [t for s in self.servers for t in s.tools]
