"""Seed lists of real MCP server packages (package data), and the parser for their one-line format.

``quickstart.txt`` is the list a new catalog crawls first and the set extraction quality is measured on.
Each line is ``npm:NAME[@version]`` or ``pypi:NAME[==version]``; ``#`` starts a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources


class SeedError(ValueError):
    """A seed line that is not ``npm:NAME[@version]`` or ``pypi:NAME[==version]``."""


@dataclass(frozen=True)
class Seed:
    ecosystem: str  # npm | pypi
    name: str
    version: str | None = None

    @property
    def spec(self) -> str:
        """What the ecosystem's own tools take: ``name@1.2.3`` (npm) or ``name==1.2.3`` (pip)."""
        if not self.version:
            return self.name
        return f"{self.name}@{self.version}" if self.ecosystem == "npm" else f"{self.name}=={self.version}"

    def __str__(self) -> str:
        return f"{self.ecosystem}:{self.spec}"


_NPM = re.compile(r"^(@[a-z0-9][\w.-]*/[a-z0-9][\w.-]*|[a-z0-9][\w.-]*)(?:@([\w.+-]+))?$", re.I)
_PYPI = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:==([\w.+!-]+))?$")


def parse_seed_line(line: str) -> Seed | None:
    """One line as a Seed; None for blank and comment lines. Raises SeedError for anything else."""
    text = line.split("#", 1)[0].strip()
    if not text:
        return None
    ecosystem, sep, rest = text.partition(":")
    pattern = {"npm": _NPM, "pypi": _PYPI}.get(ecosystem.strip().lower())
    match = pattern.match(rest.strip()) if sep and pattern else None
    if not match:
        raise SeedError(f"{line.strip()!r} is not npm:NAME[@version] or pypi:NAME[==version]")
    return Seed(ecosystem.strip().lower(), match.group(1), match.group(2))


def parse_seeds(text: str) -> list[Seed]:
    """Every seed in a seed file's text, in order, each once; errors name the line number."""
    seeds: list[Seed] = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            seed = parse_seed_line(line)
        except SeedError as exc:
            raise SeedError(f"line {number}: {exc}") from None
        if seed and seed not in seeds:
            seeds.append(seed)
    return seeds


def quickstart() -> list[Seed]:
    """The packaged quickstart seed list."""
    return parse_seeds(resources.files(__package__).joinpath("quickstart.txt").read_text(encoding="utf-8"))
