"""Comparing a package's statically extracted tools with a reference list from the public dumps.

The lists themselves are read by crawler.extract.references; this module adds what the measurement script
needs on top: the comparison (through the script's own `compare`) and explanations that tell version drift and
renames from extractor misses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.extract.references import ReferenceList, load_references, normalize

__all__ = [
    "ReferenceList",
    "compare_with_reference",
    "explain_unresolved",
    "load_references",
    "normalize",
    "seed_notes",
]


def compare_with_reference(
    report: Any,
    static: list[Any],
    reference: ReferenceList,
    folders: list[Path],
    compare: Callable[[Any, list[Any], list[Any], list[Path]], None],
) -> None:
    """Compare static tools with a dump's list, as ``compare`` does with a live one, and explain each miss.

    A reference name that does not occur anywhere in the measured artifact is version drift (the dump saw
    another version) or a name built at run time; a name that does occur was missed by the extractor.
    """
    report.truth = f"reference: {reference.source} {reference.entry}"
    compare(report, static, list(reference.tools), folders)
    for miss in report.missed:
        if (
            miss["why"].startswith("name is in")
            and folders
            and not any(_whole_word_in(miss["tool"], f) for f in folders)
        ):
            miss["why"] = (
                f"name not in the artifact as a whole word, only inside longer names: renamed since the "
                f"{reference.source} dump (version drift)"
            )
        elif miss["why"].startswith("name not in the artifact"):
            miss["why"] = (
                f"name not in the artifact: version drift from the {reference.source} dump "
                f"(or built at run time); {miss['why'].split(': ', 1)[1]}"
            )
    for extra in report.extra:
        extra["why"] = f"extracted but not in the {reference.source} reference list (a newer version may add it)"


SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".py", ".go", ".rs")


def _whole_word_in(name: str, root: Path) -> bool:
    """Whether ``name`` occurs in the artifact's code as a whole identifier or string, not only inside a
    longer one (``find_exceptions`` inside ``find_exceptions_in_file`` is a renamed tool, not a missed one)."""
    pattern = re.compile(rb"(?<![\w-])" + re.escape(name.encode()) + rb"(?![\w-])")
    for path in root.rglob("*"):
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and path.stat().st_size < 5e6:
            try:
                if pattern.search(path.read_bytes()):
                    return True
            except OSError:
                continue
    return False


def explain_unresolved(report: Any) -> None:
    """Name what the extractor said it could not resolve (reason and place) instead of only counting it."""
    if not report.unresolved:
        return
    said = "; ".join(
        f"{u.get('reason')} ({u.get('file')}:{u.get('line')})"
        if u.get("line")
        else f"{u.get('reason')} ({u.get('file')})"
        for u in report.unresolved[:3]
    )
    more = f" and {len(report.unresolved) - 3} more" if len(report.unresolved) > 3 else ""
    for miss in report.missed:
        miss["why"] = re.sub(r"; the extractor reported \d+ unresolved registration\(s\)", "", miss["why"])
        miss["why"] += f"; the extractor said: {said}{more}"


def seed_notes(text: str) -> dict[str, str]:
    """The comment written after each seed line (`npm:pkg@1.0  # why this package`), keyed like the report."""
    from crawler.seeds import parse_seed_line

    notes: dict[str, str] = {}
    for line in text.splitlines():
        body, sep, comment = line.partition("#")
        try:
            seed = parse_seed_line(body) if sep and body.strip() else None
        except ValueError:
            continue
        if seed is not None and comment.strip():
            notes[str(seed)] = comment.strip()
    return notes
