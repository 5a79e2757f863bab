"""Load a fixture server folder as SourceFiles and run one language extractor on it (no driver needed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from catalog.records import ExtractionResult, ToolRecord
from crawler.extract.base import FileResult, SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "servers"


def load(folder: str, extensions: tuple[str, ...]) -> list[SourceFile]:
    root = FIXTURES / folder
    return [
        SourceFile(p.relative_to(root).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name.endswith(extensions)
    ]


def run(extract: Callable[[list[SourceFile]], FileResult], folder: str, extensions: tuple[str, ...]) -> FileResult:
    return extract(load(folder, extensions))


def by_name(result: FileResult) -> dict[str, ToolRecord]:
    names = [t.name for t in result.tools]
    assert len(names) == len(set(names)), f"duplicate tool names: {names}"
    return {t.name: t for t in result.tools}


def extract_fixture(folder: str) -> ExtractionResult:
    """A fixture server through the real driver (walk, pre-filter, grouping, language module)."""
    from crawler.extract import extract_path

    return extract_path(FIXTURES / folder)


def server_tools(result: ExtractionResult) -> dict[str, list[str]]:
    return {s.name: sorted(t.name for t in s.tools) for s in result.servers}
