"""Page contexts: pure functions from the loaded catalog to the JSON-able dicts the templates render.

A context holds everything a page shows and nothing else, so its hash decides whether the page must be
re-rendered (see `writer`). Crawled text stays raw here; the templates escape it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup, escape

from catalog.taxonomy import RISK_ORDER, STANDARD_HINTS, Capability, Category
from publisher.site import urls
from publisher.site.params import parameter_rows
from publisher.site.prose import faq, tool_prose
from publisher.site.related import Neighbourhoods
from publisher.site.render import BADGES

RISK_RANK = {r.value: i for i, r in enumerate(RISK_ORDER)}
CAPABILITY_FLAGS = [c.value for c in Capability]
CATEGORY_NAMES = [c.value for c in Category]
UNCLASSIFIED = "Unclassified"


def risk_of(tool: dict[str, Any]) -> str:
    return tool["cls"]["risk"] if tool.get("cls") else UNCLASSIFIED


def short(text: str | None, limit: int = 160) -> str:
    value = " ".join((text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def page_meta(path: str, title: str, description: str) -> dict[str, str]:
    return {"path": path, "root": urls.root_for(path), "title": title, "description": short(description, 200)}


def server_title(server: dict[str, Any]) -> str:
    return server.get("title") or server["name"] or server["slug"]


def tool_link(tool: dict[str, Any], server_label: str | None = None, root: str | None = None) -> dict[str, Any]:
    """A link to `tool`; with `root`, also its badge and anchor as ready markup (`html`).

    A same-server link (no label) is the same dict on every sibling page: kept on the tool and shared,
    so callers must not change it.
    """
    if server_label is None and root is not None:
        cached = tool.get("_link")
        if cached is not None and cached[0] == root:
            return cached[1]
    link = {"name": tool["name"], "url": urls.tool_path(tool["server_slug"], tool["slug"]), "risk": risk_of(tool)}
    if server_label is not None:
        link["server"] = server_label
    if root is not None:
        link["html"] = link_markup(tool, link, root)
        if server_label is None:
            tool["_link"] = (root, link)
    return link


def link_markup(tool: dict[str, Any], link: dict[str, Any], root: str) -> Markup:
    """Badge and anchor of a related-tool link, escaped once per tool and cached on it.

    A tool is linked from a dozen sibling and neighbour pages; rendering the same few escapes in the
    template for each of them was a measurable share of a full build. The output is byte-identical.
    """
    cache = tool.get("_link_html")
    if cache is None or cache[0] != root:
        # Concatenated rather than `Markup.format` (a Python-level string.Formatter): same escaped bytes.
        html = Markup(f'{BADGES[link["risk"]]} <a href="{escape(root)}{escape(link["url"])}">{escape(link["name"])}</a>')
        cache = tool["_link_html"] = (root, html)
    return cache[1]


def _tri(value: Any) -> str:
    if value is None:
        return "not declared"
    return str(value).lower() if isinstance(value, bool) else short(str(value), 40)


def hint_rows(tool: dict[str, Any]) -> list[dict[str, Any]]:
    """Declared annotations beside the inferred hints, flagged where the classifier disagrees."""
    annotations = tool.get("annotations") if isinstance(tool.get("annotations"), dict) else {}
    cls = tool.get("cls") or {}
    inferred = cls.get("inferred_hints") or {}
    mismatches = {m.get("hint"): m for m in cls.get("hint_mismatches") or [] if isinstance(m, dict)}
    names = list(STANDARD_HINTS) + sorted(k for k in annotations if k not in STANDARD_HINTS and k != "title")
    rows = []
    for name in names:
        declared = annotations.get(name)
        mismatch = mismatches.get(name)
        rows.append(
            {
                "hint": name,
                "declared": _tri(declared),
                "inferred": _tri(inferred.get(name)) if cls else "not classified",
                "mismatch": mismatch is not None,
                "message": (mismatch or {}).get("message") or "",
            }
        )
    return rows


def classification_view(cls: dict[str, Any] | None) -> dict[str, Any] | None:
    if not cls:
        return None
    caps = [c for c in cls.get("capabilities") or [] if isinstance(c, str)]
    return {
        "category": cls["category"],
        "risk": cls["risk"],
        "capabilities": caps,
        "confidence": round(float(cls.get("confidence") or 0.0), 2),
        "rationale": cls.get("rationale") or "",
        "version": cls.get("classifier_version") or "",
        "stale": bool(cls.get("stale")),
        "evidence": [
            {k: short(str(e.get(k) or ""), 200) for k in ("source", "rule", "signal", "supports")}
            for e in cls.get("evidence") or []
            if isinstance(e, dict)
        ][:20],
        "integrity": [
            {
                "kind": str(f.get("kind") or "finding"),
                "severity": str(f.get("severity") or ""),
                "message": str(f.get("message") or ""),
                "evidence": short(f["evidence"] if isinstance(f.get("evidence"), str) else _evidence_text(f), 400),
            }
            for f in cls.get("integrity") or []
            if isinstance(f, dict)
        ],
    }


def _evidence_text(finding: dict[str, Any]) -> str:
    evidence = finding.get("evidence")
    if isinstance(evidence, list):
        parts = []
        for item in evidence[:5]:
            if isinstance(item, dict):
                parts.append(": ".join(str(v) for v in item.values() if v not in (None, "")))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    if isinstance(evidence, dict):
        return "; ".join(f"{k}: {v}" for k, v in evidence.items())
    return ""


def tool_context(
    tool: dict[str, Any],
    server: dict[str, Any],
    hood: Neighbourhoods,
    snippets: list[dict[str, Any]],
    servers_by_id: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    params = parameter_rows(tool.get("input_schema"))
    recommended = next((s for s in snippets if s["preset"] == "recommended"), snippets[0] if snippets else None)
    entry = recommended["entry"] if recommended else None
    title = server_title(server)
    prose = tool_prose(tool, title, params, entry)
    path = urls.tool_path(server["slug"], tool["slug"])
    root = urls.root_for(path)
    cls = classification_view(tool.get("cls"))
    label = f"{tool['name']} ({title})"
    meta_description = (
        f"{cls['risk']} risk {cls['category']} tool of {title}. " if cls else f"Tool of {title}. "
    ) + short(tool.get("description"), 140)
    elsewhere = []
    for via, other_id in hood.elsewhere(tool["id"]):
        other = hood.tools[other_id]
        link = tool_link(other, server_title(servers_by_id[other["server_id"]]), root)
        link["via"] = via
        elsewhere.append(link)
    return {
        "page": page_meta(path, label, meta_description),
        "tool": {
            "name": tool["name"],
            "title": tool.get("title") or "",
            "description": tool.get("description") or "",
            "origin": tool.get("origin") or "",
            "origin_detail": tool.get("origin_detail") or "",
            "conditional": tool.get("conditional") or "",
            "fingerprint": tool["fingerprint"],
            "first_seen": tool["first_seen"],
            "last_seen": tool["last_seen"],
            "api": urls.tool_api_path(server["slug"], tool["slug"]),
            "has_output_schema": bool(tool.get("output_schema")),
        },
        "server": {"slug": server["slug"], "title": title, "url": urls.server_path(server["slug"])},
        "cls": cls,
        "prose": prose,
        "params": params,
        "hints": hint_rows(tool),
        "snippets": snippets,
        "related_server": [tool_link(hood.tools[i], None, root) for i in hood.same_server(server, tool["id"])],
        "related_elsewhere": elsewhere,
        "changes": tool.get("changes") or [],
        "faq": faq(tool, title, prose, entry),
    }


def tool_api(tool: dict[str, Any], server: dict[str, Any]) -> dict[str, Any]:
    """The JSON mirror of a tool page: the definition as crawled plus the latest classification."""
    cls = tool.get("cls")
    return {
        "name": tool["name"],
        "title": tool.get("title"),
        "description": tool.get("description"),
        "server": server["slug"],
        "url": urls.tool_path(server["slug"], tool["slug"]),
        "input_schema": tool.get("input_schema"),
        "output_schema": tool.get("output_schema"),
        "annotations": tool.get("annotations") or {},
        "origin": tool.get("origin"),
        "origin_detail": tool.get("origin_detail"),
        "fingerprint": tool["fingerprint"],
        "first_seen": tool["first_seen"],
        "last_seen": tool["last_seen"],
        "classification": None
        if not cls
        else {k: cls.get(k) for k in ("category", "risk", "capabilities", "confidence", "evidence", "rationale")}
        | {
            "classifier_version": cls.get("classifier_version"),
            "inferred_hints": cls.get("inferred_hints") or {},
            "hint_mismatches": cls.get("hint_mismatches") or [],
            "integrity": cls.get("integrity") or [],
            "stale": bool(cls.get("stale")),
        },
        "changes": tool.get("changes") or [],
    }


# Pairs of capabilities that are more dangerous together than apart, with the reason.
COMBINATIONS: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        frozenset({"private_data", "untrusted_content", "network_egress"}),
        "Critical",
        "reads private data, takes in untrusted text and can send requests anywhere: a prompt injection can "
        "exfiltrate the data (the 'lethal trifecta')",
    ),
    (
        frozenset({"private_data", "untrusted_content", "sends_communication"}),
        "Critical",
        "reads private data, takes in untrusted text and can message people: an injected prompt can mail the data out",
    ),
    (
        frozenset({"untrusted_content", "code_execution"}),
        "Critical",
        "takes in untrusted text and runs code: an injected prompt can become a command",
    ),
    (
        frozenset({"secrets", "network_egress"}),
        "Critical",
        "can read credentials and send requests to any host",
    ),
    (
        frozenset({"untrusted_content", "permissions"}),
        "High",
        "takes in untrusted text and can change access rights",
    ),
)


def combination_risk(tools: list[dict[str, Any]]) -> dict[str, Any]:
    """The server's risk as a whole: its riskiest tool, raised when its tools combine into a worse path."""
    caps: set[str] = set()
    worst = None
    for tool in tools:
        cls = tool.get("cls")
        if not cls:
            continue
        caps.update(c for c in cls.get("capabilities") or [] if isinstance(c, str))
        if worst is None or RISK_RANK.get(cls["risk"], -1) > RISK_RANK.get(worst, -1):
            worst = cls["risk"]
    findings = [
        {"capabilities": sorted(combo), "risk": level, "reason": reason}
        for combo, level, reason in COMBINATIONS
        if combo <= caps
    ]
    level = worst
    for finding in findings:
        if level is None or RISK_RANK[finding["risk"]] > RISK_RANK.get(level, -1):
            level = finding["risk"]
    return {"risk": level or UNCLASSIFIED, "worst_tool": worst or UNCLASSIFIED, "combinations": findings}


def server_counts(tools: list[dict[str, Any]]) -> dict[str, Any]:
    by_risk = Counter(risk_of(t) for t in tools)
    by_category = Counter(t["cls"]["category"] for t in tools if t.get("cls"))
    annotated = sum(1 for t in tools if any(k in (t.get("annotations") or {}) for k in STANDARD_HINTS))
    return {
        "tools": len(tools),
        "by_risk": {r: by_risk[r] for r in [*RISK_RANK, UNCLASSIFIED] if by_risk[r]},
        "by_category": {c: by_category[c] for c in CATEGORY_NAMES if by_category[c]},
        "annotated": annotated,
        "annotated_pct": round(100 * annotated / len(tools)) if tools else 0,
    }


def server_facts(server: dict[str, Any]) -> dict[str, Any]:
    packages = [
        {
            "registry_type": str(p.get("registry_type") or p.get("registryType") or ""),
            "identifier": str(p.get("identifier") or p.get("name") or ""),
            "version": str(p.get("version") or ""),
        }
        for p in server.get("packages") or []
        if isinstance(p, dict)
    ]
    remotes = [
        {"type": str(r.get("type") or r.get("transport_type") or ""), "url": str(r.get("url") or "")}
        for r in server.get("remotes") or []
        if isinstance(r, dict)
    ]
    env_vars = [
        {
            "name": str(e.get("name") or ""),
            "secret": bool(e.get("is_secret")),
            "description": str(e.get("description") or ""),
        }
        for e in server.get("env_vars") or []
        if isinstance(e, dict)
    ]
    repo = server.get("repository_url") or ""
    return {
        "slug": server["slug"],
        "name": server["name"],
        "title": server_title(server),
        "description": server.get("description") or "",
        "version": server.get("version") or "",
        # Only http(s) links become clickable; anything else is shown as text.
        "repository_url": repo,
        "repository_link": repo if repo.startswith(("https://", "http://")) else "",
        "subfolder": server.get("repository_subfolder") or "",
        "packages": packages,
        "remotes": remotes,
        "env_vars": env_vars,
        "license": server.get("license") or "",
        "stars": server.get("stars"),
        "archived": bool(server.get("archived")),
        "status": server.get("status") or "active",
        "sources": [str(s) for s in server.get("sources") or []],
        "tools_origin": server.get("tools_origin") or "",
        "first_seen": server["first_seen"],
        "last_seen": server["last_seen"],
    }


def server_context(
    server: dict[str, Any],
    tools: list[dict[str, Any]],
    hood: Neighbourhoods,
    downloads: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    servers_by_id: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    facts = server_facts(server)
    counts = server_counts(tools)
    rows = []
    for tool in tools:
        cls = tool.get("cls")
        rows.append(
            {
                "name": tool["name"],
                "url": urls.tool_path(server["slug"], tool["slug"]),
                "api": urls.tool_api_path(server["slug"], tool["slug"]),
                "risk": risk_of(tool),
                "rank": RISK_RANK.get(risk_of(tool), -1),
                "category": cls["category"] if cls else "",
                "capabilities": [c for c in (cls or {}).get("capabilities") or [] if isinstance(c, str)],
                "summary": short(tool.get("description"), 140),
                "annotated": any(k in (tool.get("annotations") or {}) for k in STANDARD_HINTS),
                "flags": len((cls or {}).get("integrity") or []) + len((cls or {}).get("hint_mismatches") or []),
            }
        )
    similar = []
    for other_id in hood.similar.get(server["id"], []):
        other = servers_by_id[other_id]
        similar.append(
            {"title": server_title(other), "url": urls.server_path(other["slug"]), "tools": len(other["tool_ids"])}
        )
    description = facts["description"] or f"MCP server {facts['title']}"
    return {
        "page": page_meta(
            urls.server_path(server["slug"]),
            f"{facts['title']}: {counts['tools']} MCP tools, risk and policies",
            f"{counts['tools']} tools. {description}",
        ),
        "server": facts,
        "counts": counts,
        "combination": combination_risk(tools),
        "tools": rows,
        "downloads": [
            {"preset": d["preset"], "files": [{k: f[k] for k in ("format", "label", "target")} for f in d["files"]]}
            for d in downloads
        ],
        "changes": changes[:50],
        "similar": similar,
        "api": urls.server_api_path(server["slug"]),
    }


def server_api(context: dict[str, Any]) -> dict[str, Any]:
    """The JSON mirror of a server page, derived from its context so the two never disagree."""
    return {
        **{k: v for k, v in context["server"].items() if k != "repository_link"},
        "url": context["page"]["path"],
        "counts": context["counts"],
        "combination_risk": context["combination"],
        "tools": [
            {
                "name": row["name"],
                "url": row["url"],
                "api": row["api"],
                "risk": row["risk"],
                "category": row["category"],
                "capabilities": row["capabilities"],
            }
            for row in context["tools"]
        ],
        "policies": context["downloads"],
        "similar": [s["url"] for s in context["similar"]],
    }
