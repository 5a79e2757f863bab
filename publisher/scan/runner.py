"""The scan itself: subjects in, a `ScanReport` out. Clients (catalog session, classifier, live lister,
extractor) are passed in, so tests and CI run it offline with hand-written inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from catalog.slugs import slugify
from publisher.policy.model import build_server_policies, build_server_policy
from publisher.policy.options import PRESETS, PolicyOptions
from publisher.policy.sources import Classifier, ClassifierUnavailable, classify_records
from publisher.policy.writer import WriteSummary, write_index, write_schema, write_server_policies
from publisher.scan.combination import agent_risks
from publisher.scan.model import ScanReport, ScanServer, ScanTool, Subject
from publisher.scan.resolve import CatalogIndex, Extractor, LiveLister, Resolved, resolve_subject

FAIL_LEVELS = ("low", "medium", "high", "critical", "never")


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _why(cls: Any) -> str:
    if cls is None:
        return "not classified"
    rationale = _get(cls, "rationale")
    if isinstance(rationale, str) and rationale.strip():
        return " ".join(rationale.split())
    caps = _get(cls, "capabilities") or []
    return f"{_get(cls, 'category')}" + (f" with {', '.join(caps)}" if caps else "")


def _classify(resolved: Resolved, classify: Classifier | None, problems: list[str]) -> dict[str, Any]:
    found = dict(resolved.classifications)
    todo = [t for t in resolved.tools if t["name"] not in found]
    if not todo:
        return found
    try:
        found.update(classify_records(todo, classify))
    except ClassifierUnavailable as exc:
        problems.append(str(exc))
    return found


def scan_server(
    subject: Subject,
    *,
    index: CatalogIndex | None,
    classify: Classifier | None,
    live: LiveLister | None,
    extractor: Extractor | None,
    options: PolicyOptions,
) -> ScanServer:
    if subject.disabled:
        return ScanServer(subject, "disabled", problems=["disabled in the client config: not scanned"])
    resolved = resolve_subject(subject, index=index, live=live, extractor=extractor)
    problems = list(resolved.problems)
    classifications = _classify(resolved, classify, problems) if resolved.tools else {}
    policy = build_server_policy(
        {"slug": slugify(subject.name), "name": subject.name},
        resolved.tools,
        classifications,
        "recommended",
        options,
        client_name=subject.name,
    )
    tools = []
    for wire in resolved.tools:
        cls = classifications.get(wire["name"])
        decided = policy.tool(wire["name"])
        integrity = _get(cls, "integrity") if cls is not None else None
        mismatches = _get(cls, "hint_mismatches") if cls is not None else None
        tools.append(
            ScanTool(
                name=wire["name"],
                category=decided.category,
                risk=decided.risk,
                capabilities=decided.capabilities,
                why=_why(cls),
                decision=decided.decision,
                decision_reason=decided.reason,
                decision_label=decided.label,
                description=wire.get("description"),
                input_schema=wire.get("inputSchema"),
                file=wire.get("file"),
                line=wire.get("line"),
                integrity=[i for i in integrity or [] if isinstance(i, dict)],
                hint_mismatches=[m for m in mismatches or [] if isinstance(m, dict)],
            )
        )
    tools.sort(key=lambda t: t.name)
    return ScanServer(subject, resolved.source, tools, problems, resolved.catalog_slug)


def run_scan(
    subjects: Sequence[Subject],
    *,
    session: Any = None,
    classify: Classifier | None = None,
    live: LiveLister | None = None,
    extractor: Extractor | None = None,
    options: PolicyOptions | None = None,
    problems: Sequence[str] = (),
    progress: Callable[[int, int, str], None] | None = None,
) -> ScanReport:
    index = CatalogIndex(session) if session is not None else None
    opts = options or PolicyOptions()
    servers = []
    for n, subject in enumerate(subjects, 1):
        if progress:
            progress(n, len(subjects), subject.name)
        servers.append(
            scan_server(subject, index=index, classify=classify, live=live, extractor=extractor, options=opts)
        )
    return ScanReport(servers, agent_risks(servers), list(problems))


def fail_exit_code(report: ScanReport, level: str) -> int:
    """1 when a tool is at or above `level`, or (for any level up to critical) an agent has the trifecta."""
    level = level.lower()
    if level not in FAIL_LEVELS:
        raise ValueError(f"--fail-on must be one of {', '.join(FAIL_LEVELS)}")
    if level == "never":
        return 0
    threshold = FAIL_LEVELS.index(level)
    for _server, tool in report.all_tools():
        if tool.risk and FAIL_LEVELS.index(tool.risk.lower()) >= threshold:
            return 1
    return 1 if any(a.trifecta for a in report.agents) else 0


def write_scan_policies(report: ScanReport, out_dir: Path, options: PolicyOptions | None = None) -> dict[str, Any]:
    """Every preset and format for exactly the scanned servers, in the recommended_policies layout."""
    opts = options or PolicyOptions()
    summary = WriteSummary()
    index: dict[str, Any] = {}
    for server in report.servers:
        if not server.tools:
            continue
        slug = slugify(server.name)
        base, n = slug, 2
        while slug in index:
            slug, n = f"{base}-{n}", n + 1
        tools = [{"name": t.name, "description": t.description, "inputSchema": t.input_schema} for t in server.tools]
        cls = {
            t.name: {"category": t.category, "risk": t.risk, "capabilities": t.capabilities}
            for t in server.tools
            if t.risk
        }
        policies = build_server_policies(
            {"slug": slug, "name": server.name}, tools, cls, PRESETS, opts, client_name=server.name
        )
        files = write_server_policies(Path(out_dir), policies, summary)
        index[slug] = {"name": server.name, "tools": len(server.tools), "files": files}
        summary.servers += 1
    write_index(Path(out_dir), index, summary)
    write_schema(Path(out_dir), summary)
    return summary.as_dict()
