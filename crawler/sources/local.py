"""The `local:PATH` source: a server directory, an archive, or a tools/list JSON file on this machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from catalog.config import Settings
from crawler.extract import extract_path
from crawler.store import ToolSyncSummary, record_problem, sync_tools, upsert_server


@dataclass
class LocalCrawlSummary:
    servers: int = 0
    tools: ToolSyncSummary = field(default_factory=ToolSyncSummary)
    problems: list[str] = field(default_factory=list)


def crawl_local(
    session: Session, path: Path, *, run_id: int | None = None, settings: Settings | None = None
) -> LocalCrawlSummary:
    """Index one local path; problems are recorded on the run and never stop the crawl."""
    summary = LocalCrawlSummary()
    path = path.expanduser()
    key = str(path.resolve())
    if not path.exists():
        msg = f"{path}: no such file or directory"
        record_problem(session, subject=key, stage="fetch", message=msg, run_id=run_id)
        summary.problems.append(msg)
        return summary
    result = extract_path(path, settings)
    for problem in result.problems:
        record_problem(session, subject=problem.path, stage="extract", message=problem.reason, run_id=run_id)
        summary.problems.append(f"{problem.path}: {problem.reason}")
    for found in result.servers:
        external_id = key if not found.subpath else f"{key}#{found.subpath}"
        server = upsert_server(
            session,
            name=found.name,
            source="local",
            external_id=external_id,
            url=None,
            unresolved=found.unresolved,
            repository_subfolder=found.subpath or None,
        )
        tools = sync_tools(session, server, found.tools, run_id=run_id, origin_label=f"local:{external_id}")
        summary.servers += 1
        summary.tools.merge(tools)
    return summary
