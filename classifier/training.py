"""The committed training examples: parsing the hand-labelled file into tools/list-shaped dicts.

The file is plain text (one example a line, ``category | capabilities | name | description | params``) so a
reviewer can read and diff labels; its header records the rubric version the labels follow. A comment line
``# server: NAME`` names the server (package) of the examples below it: the classifier sees it as the tool's
server (as it does in the catalog), and cross-validation keeps each server's tools in one fold, so the figures
measure unseen servers rather than unseen siblings of seen tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.taxonomy import TAXONOMY_VERSION, Capability, Category

DATA_DIR = Path(__file__).parent / "data"
TRAINING_PATH = DATA_DIR / "training_examples.txt"  # examples written for the project
CRAWLED_PATH = DATA_DIR / "training_crawled.txt"  # real tools crawled from npm/PyPI packages, labelled by hand
TRAINING_PATHS: tuple[Path, ...] = (TRAINING_PATH, CRAWLED_PATH)


class TrainingDataError(ValueError):
    """A line of the training file that does not follow the format; the message names the line."""


@dataclass(frozen=True)
class Example:
    tool: dict[str, Any]
    category: str
    capabilities: tuple[str, ...]
    server: str = ""  # from the latest ``# server:`` line; written examples have none
    source: str = ""  # the file it came from


def parse_params(text: str) -> dict[str, Any]:
    """``path:string, limit:integer`` -> a JSON schema object."""
    props: dict[str, Any] = {}
    for chunk in text.split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        name, _, typ = chunk.partition(":")
        props[name.strip()] = {"type": typ.strip() or "string"}
    return {"type": "object", "properties": props}


def parse_training(text: str, source: str = "training") -> tuple[str, list[Example]]:
    """The rubric version and the examples of a training file's text."""
    version = None
    server = ""
    examples: list[Example] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.lstrip("# ").startswith("rubric_version:"):
                version = line.split(":", 1)[1].strip()
            elif line.lstrip("# ").startswith("server:"):
                server = line.split(":", 1)[1].strip()
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (4, 5):
            raise TrainingDataError(f"{source}:{lineno}: expected 4 or 5 '|'-separated fields, got {len(parts)}")
        category, caps_text, name, description = parts[:4]
        if category not in {c.value for c in Category}:
            raise TrainingDataError(f"{source}:{lineno}: unknown category {category!r}")
        caps = tuple(c.strip() for c in caps_text.split(",") if c.strip() and c.strip() != "-")
        for cap in caps:
            if cap not in {c.value for c in Capability}:
                raise TrainingDataError(f"{source}:{lineno}: unknown capability {cap!r}")
        tool = {
            "name": name,
            "description": description,
            "inputSchema": parse_params(parts[4] if len(parts) == 5 else ""),
        }
        if server:
            tool["server"] = server_name(server)
        examples.append(Example(tool=tool, category=category, capabilities=caps, server=server, source=source))
    if version is None:
        raise TrainingDataError(f"{source}: missing the '# rubric_version: N' header")
    if version != TAXONOMY_VERSION:
        raise TrainingDataError(
            f"{source}: labelled with rubric version {version}, the code implements {TAXONOMY_VERSION}"
        )
    return version, examples


def server_name(package: str) -> str:
    """The server name a package header gives the classifier: ``npm:@scope/name`` -> ``@scope/name``.

    The registry prefix is a grouping key, not part of the server's name as a catalog records it.
    """
    _, colon, rest = package.partition(":")
    return rest if colon and rest else package


def load_training(path: Path | None = None) -> tuple[str, list[Example]]:
    """One training file, or (by default) every committed one; all must share the rubric version."""
    paths = (path,) if path is not None else tuple(p for p in TRAINING_PATHS if p.exists())
    versions: set[str] = set()
    examples: list[Example] = []
    for p in paths:
        version, found = parse_training(p.read_text(encoding="utf-8"), str(p))
        versions.add(version)
        examples += found
    if len(versions) != 1:
        raise TrainingDataError(f"training files disagree on the rubric version: {sorted(versions)}")
    return versions.pop(), examples


def training_digest(paths: tuple[Path, ...] | None = None) -> str:
    """Identifies the training data a model was built from (the shipped model records it)."""
    import hashlib

    h = hashlib.sha256()
    for p in paths if paths is not None else tuple(p for p in TRAINING_PATHS if p.exists()):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
