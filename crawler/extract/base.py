"""The contract between the extraction dispatcher and the per-language extractors.

The dispatcher walks a tree, pre-filters files cheaply, groups them per server folder and language, and hands
each language module all of its files at once (so constants and tool objects defined in other files resolve).
A language module is pure: text in, records out; it never imports or runs the code it reads.

Each language module (``crawler.extract.<module>`` in ``LANGUAGES``) exposes::

    def extract_files(files: list[SourceFile]) -> FileResult
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.records import ExtractionProblem, ToolRecord


@dataclass
class SourceFile:
    path: str  # relative to the server folder, with forward slashes
    text: str


@dataclass
class FileResult:
    tools: list[ToolRecord] = field(default_factory=list)
    unresolved: list[dict[str, Any]] = field(default_factory=list)  # {"file", "line", "reason", "expression"}
    problems: list[ExtractionProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Language:
    name: str
    module: str  # importable module with extract_files()
    extensions: tuple[str, ...]
    # Cheap byte markers: a file containing none of them cannot declare a tool and is never parsed.
    markers: tuple[bytes, ...]


LANGUAGES: tuple[Language, ...] = (
    Language("python", "crawler.extract.python_ast", (".py",), (b"tool", b"Tool")),
    Language(
        "typescript",
        "crawler.extract.typescript",
        (".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"),
        (b"tool", b"Tool"),
    ),
    Language("go", "crawler.extract.golang", (".go",), (b"Tool",)),
    Language("rust", "crawler.extract.rust", (".rs",), (b"tool", b"Tool")),  # #[tool(...)] and Tool::new
    Language("csharp", "crawler.extract.csharp", (".cs",), (b"McpServerTool",)),
    Language("java", "crawler.extract.java", (".java",), (b"Tool",)),
)


def language_for(path: str) -> Language | None:
    lower = path.lower()
    for lang in LANGUAGES:
        if lower.endswith(lang.extensions):
            return lang
    return None
