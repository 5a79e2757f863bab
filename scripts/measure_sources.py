"""Measure what the list and dump sources recover from the real data copies (offline, read-only).

Usage:
    python scripts/measure_sources.py DATA_DIR [--json] [--sample 50] [--seed 1]
        [--base modelcontextprotocol-servers-2026-03.md=https://github.com/modelcontextprotocol/servers/tree/main]

For each file or folder under DATA_DIR/awesome and DATA_DIR/dumps that one of the sources reads, prints the
servers, tool definitions, tool names (names-only lists), packages, repository URLs and problems recovered.
``--sample N`` also prints N random awesome-list entries for a manual precision check. ``--html-check`` renders
each markdown list to HTML (with markdown-it-py, installed with rich) and reports how far the HTML parser agrees
with the markdown parser: same servers, same descriptions, same categories.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.config import Settings
from crawler.parse.awesome import parse_awesome
from crawler.sources import awesome, docker_registry, mcpm, toolhive
from crawler.sources.base import DiscoveredServer, SourceContext


class OfflineHttp:
    """The measurement never touches the network: any request is a bug in the measured input."""

    async def get_json(self, url: str, **_: Any) -> Any:
        raise RuntimeError(f"offline measurement tried to fetch {url}")

    async def get_text(self, url: str, **_: Any) -> str:
        raise RuntimeError(f"offline measurement tried to fetch {url}")

    async def get_bytes(self, url: str, **_: Any) -> bytes:
        raise RuntimeError(f"offline measurement tried to fetch {url}")


@dataclass
class Row:
    source: str
    input: str
    servers: int = 0
    tool_definitions: int = 0
    servers_with_definitions: int = 0
    tool_names: int = 0
    packages: int = 0
    servers_with_packages: int = 0
    repository_urls: int = 0
    unique_repositories: int = 0
    remotes: int = 0
    secret_env_vars: int = 0
    problems: int = 0
    problem_samples: list[str] = field(default_factory=list)


async def _collect(source: Any, argument: str) -> list[DiscoveredServer]:
    ctx = SourceContext(settings=Settings(), http=OfflineHttp(), argument=argument)
    return [server async for server in source.discover(ctx)]


def measure(source: Any, name: str, path: Path, argument: str) -> tuple[Row, list[DiscoveredServer]]:
    servers = asyncio.run(_collect(source, argument))
    repos = [s.repository_url for s in servers if s.repository_url]
    row = Row(
        source=name,
        input=str(path),
        servers=len(servers),
        tool_definitions=sum(len(s.tools or []) for s in servers),
        servers_with_definitions=sum(1 for s in servers if s.tools),
        tool_names=sum(len(s.extra.get("tool_names") or []) for s in servers),
        packages=sum(len(s.packages) for s in servers),
        servers_with_packages=sum(1 for s in servers if s.packages),
        repository_urls=len(repos),
        unique_repositories=len({r.lower() for r in repos}),
        remotes=sum(len(s.remotes) for s in servers),
        secret_env_vars=sum(1 for s in servers for e in s.env_vars if e.get("is_secret")),
        problems=len(source.problems),
        problem_samples=[f"{w}: {why}" for w, why in source.problems[:3]],
    )
    return row, servers


def html_agreement(path: Path, base: str | None) -> dict[str, Any]:
    """Markdown parse vs HTML parse of the same list rendered by a CommonMark renderer."""
    from markdown_it import MarkdownIt  # rich's dependency; only this check needs it

    text = path.read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    page = f'<html><body><article class="markdown-body">{rendered}</article></body></html>'
    md = {s.external_id: s for s in parse_awesome(text, list_name=path.name, base_url=base).servers}
    html = {s.external_id: s for s in parse_awesome(page, list_name=path.name, base_url=base).servers}
    both = set(md) & set(html)
    return {
        "list": path.name,
        "markdown_servers": len(md),
        "html_servers": len(html),
        "in_both": len(both),
        "same_description": sum(1 for k in both if md[k].description == html[k].description),
        "same_categories": sum(1 for k in both if md[k].categories == html[k].categories),
        "only_markdown": sorted(md[k].name for k in set(md) - set(html)),
        "only_html": sorted(html[k].name for k in set(html) - set(md)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--sample", type=int, default=0, help="print N random awesome entries to spot-check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base", action="append", default=[], help="FILE=URL base for a list's relative links")
    parser.add_argument("--html-check", action="store_true", help="compare markdown and rendered-HTML parsing")
    args = parser.parse_args(argv)
    data: Path = args.data_dir
    if not data.is_dir():
        print(f"error: {data} is not a folder (pass the shared data folder)", file=sys.stderr)
        return 2
    bases = dict(item.split("=", 1) for item in args.base if "=" in item)

    jobs: list[tuple[Any, str, Path, str]] = []
    for path in sorted((data / "awesome").glob("*.md")):
        arg = str(path) + (f"#base={bases[path.name]}" if path.name in bases else "")
        jobs.append((awesome.SOURCE, "awesome", path, arg))
    dumps = data / "dumps"
    for path, source, name in (
        (dumps / "docker-mcp-registry", docker_registry.SOURCE, "docker"),
        (dumps / "mcpm-registry", mcpm.SOURCE, "mcpm"),
        (dumps / "toolhive-registry.json", toolhive.SOURCE, "toolhive"),
    ):
        if path.exists():
            jobs.append((source, name, path, str(path)))

    rows: list[Row] = []
    listed: list[DiscoveredServer] = []
    for source, name, path, argument in jobs:
        row, servers = measure(source, name, path, argument)
        rows.append(row)
        if name == "awesome":
            listed.extend(servers)

    agreement = (
        [html_agreement(path, bases.get(path.name)) for path in sorted((data / "awesome").glob("*.md"))]
        if args.html_check
        else []
    )
    sample = random.Random(args.seed).sample(listed, min(args.sample, len(listed))) if args.sample else []
    if args.json:
        payload: dict[str, Any] = {"rows": [row.__dict__ for row in rows]}
        if agreement:
            payload["html_check"] = agreement
        if sample:
            payload["sample"] = [
                {"list": s.extra.get("list"), "name": s.name, "url": s.url, "category": s.categories[:1]}
                for s in sample
            ]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    cols = ["servers", "tool_definitions", "tool_names", "packages", "repository_urls", "unique_repositories"]
    cols += ["remotes", "secret_env_vars", "problems"]
    header = f"{'source':9} {'input':42} " + " ".join(f"{c[:10]:>10}" for c in cols)
    print(header)
    for row in rows:
        values = " ".join(f"{getattr(row, c):>10}" for c in cols)
        print(f"{row.source:9} {Path(row.input).name[:42]:42} {values}")
        for sample_problem in row.problem_samples:
            print(f"{'':52}! {sample_problem[:150]}")
    for a in agreement:
        print(
            f"html-check {a['list']}: markdown {a['markdown_servers']}, html {a['html_servers']}, both {a['in_both']}, "
            f"same description {a['same_description']}, same categories {a['same_categories']}; "
            f"only markdown {a['only_markdown'][:5]}, only html {a['only_html'][:5]}"
        )
    for s in sample:
        desc = (s.description or "")[:70]
        print(f"- [{s.extra.get('list')}] {s.name!r} -> {s.url} | {s.categories[:1]} | {desc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
