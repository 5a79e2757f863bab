"""Where a single policy's inputs come from: a catalog server, or a tools/list JSON classified on the fly.

Library functions behind `mcp-catalog policy`; the scan uses `classify_records` too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from catalog.models import Server
from catalog.queries import latest_classifications, present_tools
from catalog.slugs import slugify
from publisher.policy.model import PolicyError, ServerPolicy, build_server_policy
from publisher.policy.options import PolicyOptions

Classifier = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


class ClassifierUnavailable(PolicyError):
    pass


def default_classifier() -> Classifier:
    """The project's classifier, imported late: it is a separate stage that may not be installed yet."""
    try:
        from classifier import classify_tools  # type: ignore[attr-defined]
    except ImportError as exc:
        raise ClassifierUnavailable(
            "the classifier is not available in this installation (classifier.classify_tools); "
            "pass tools that already carry `category` and `risk`, or use a catalog server"
        ) from exc
    return classify_tools


def find_server(session: Session, ident: str) -> Server:
    """A server by slug, registry name, or package identifier (npm/PyPI name)."""
    for column in (Server.slug, Server.name):
        server = session.exec(select(Server).where(column == ident)).first()
        if server is not None:
            return server
    for server in session.exec(select(Server)).all():
        if any(isinstance(p, dict) and p.get("identifier") == ident for p in server.packages or []):
            return server
    raise PolicyError(f"no server {ident!r} in the catalog: give a slug (see `mcp-catalog stats`) or use --from FILE")


def policy_for_catalog_server(
    session: Session, ident: str, preset: str, options: PolicyOptions, client_name: str | None = None
) -> ServerPolicy:
    server = find_server(session, ident)
    tools = present_tools(session, server.id or -1)
    classifications = latest_classifications(session, [t.id for t in tools if t.id is not None])
    return build_server_policy(server, tools, classifications, preset, options, client_name=client_name)


def _as_wire(tool: Any) -> dict[str, Any]:
    if isinstance(tool, dict):
        out = dict(tool)
        if "inputSchema" not in out and "input_schema" in out:
            out["inputSchema"] = out["input_schema"]
        return out
    return tool.to_mcp() if hasattr(tool, "to_mcp") else {"name": str(tool)}


def classify_records(tools: list[Any], classify: Classifier | None) -> dict[str, dict[str, Any]]:
    """{tool name: classification dict}: tools that already carry category and risk keep them."""
    wire = [_as_wire(t) for t in tools]
    pre = {t["name"]: t for t in wire if isinstance(t.get("name"), str) and t.get("category") and t.get("risk")}
    todo = [t for t in wire if t.get("name") not in pre]
    result: dict[str, dict[str, Any]] = dict(pre)
    if todo:
        fn = classify or default_classifier()
        for item in fn(todo):
            result[item["name"]] = item
    return result


def policy_from_tools_file(
    path: Path,
    data: Any,
    preset: str,
    options: PolicyOptions,
    *,
    classify: Classifier | None = None,
    client_name: str | None = None,
) -> ServerPolicy:
    """A policy for the tools in a tools/list JSON (or a classified list); the server is named after the file."""
    from crawler.extract.tools_json import ToolsJsonError, tool_list_from_json

    try:
        items = [t for t in tool_list_from_json(data) if isinstance(t, dict) and isinstance(t.get("name"), str)]
    except ToolsJsonError as exc:
        raise PolicyError(f"{path}: {exc}") from exc
    if not items:
        raise PolicyError(f"{path}: no tools with a name found")
    name = data.get("server") if isinstance(data, dict) and isinstance(data.get("server"), str) else path.stem
    classifications = classify_records(items, classify)
    server = {"slug": slugify(name), "name": name}
    return build_server_policy(
        server, [_as_wire(t) for t in items], classifications, preset, options, client_name=client_name
    )
