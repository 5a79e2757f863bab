"""A synthetic catalog for benchmarks: N servers with realistic tools, deterministic from a seed.

Names, descriptions and schemas are assembled from the vocabulary real MCP servers use (verbs, resources,
parameter names), so classifiers and page builders do realistic work; nothing here is presented as a real
server (every slug starts with ``synthetic-``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from catalog.models import Server, Tool, utcnow
from catalog.records import ToolRecord

DOMAINS: dict[str, list[str]] = {
    "github": ["repository", "issue", "pull_request", "branch", "workflow", "release", "comment", "label"],
    "postgres": ["table", "query", "schema", "index", "database", "row"],
    "stripe": ["payment", "refund", "customer", "invoice", "subscription", "payout", "charge"],
    "slack": ["message", "channel", "user", "reaction", "thread"],
    "kubernetes": ["pod", "deployment", "namespace", "service", "node", "secret"],
    "filesystem": ["file", "directory", "path"],
    "aws": ["instance", "bucket", "volume", "lambda_function", "iam_role", "stack"],
    "gmail": ["email", "draft", "label", "attachment"],
    "notion": ["page", "database", "block", "comment"],
    "browser": ["page", "element", "screenshot", "tab"],
    "jira": ["issue", "project", "sprint", "worklog", "comment"],
    "weather": ["forecast", "alert", "station"],
    "crypto": ["wallet", "token", "swap", "transaction", "order"],
    "docker": ["container", "image", "volume", "network"],
}
VERBS = {
    "read": ["get", "list", "search", "describe", "fetch", "read", "find", "query_status_of"],
    "write": ["create", "update", "add", "rename", "move", "upload", "label", "send"],
    "destructive": ["delete", "remove", "drop", "purge", "terminate", "revoke"],
    "execute": ["run", "execute", "start", "stop", "restart", "trigger", "deploy"],
    "financial": ["create_refund_for", "charge", "pay", "transfer", "buy", "place_order_for"],
}
VERB_WEIGHTS = {"read": 55, "write": 22, "destructive": 8, "execute": 10, "financial": 5}
PARAMS: dict[str, dict[str, Any]] = {
    "id": {"type": "string", "description": "Identifier of the {noun}."},
    "name": {"type": "string", "description": "Name of the {noun}."},
    "query": {"type": "string", "description": "Search text to filter {noun}s."},
    "limit": {"type": "integer", "description": "Maximum number of results.", "default": 20},
    "path": {"type": "string", "description": "Path of the {noun} on disk."},
    "url": {"type": "string", "description": "URL to request."},
    "amount": {"type": "number", "description": "Amount in the smallest currency unit."},
    "currency": {"type": "string", "enum": ["usd", "eur", "gbp"]},
    "command": {"type": "string", "description": "Shell command to run."},
    "sql": {"type": "string", "description": "SQL statement to execute."},
    "recipient": {"type": "string", "description": "Email address of the recipient."},
    "body": {"type": "string", "description": "Text content of the {noun}."},
    "force": {"type": "boolean", "description": "Skip confirmation.", "default": False},
    "region": {"type": "string", "description": "Cloud region."},
}
PARAM_BY_KIND = {
    "read": ["id", "query", "limit", "region"],
    "write": ["name", "body", "recipient", "path"],
    "destructive": ["id", "force", "path"],
    "execute": ["command", "sql", "id", "region"],
    "financial": ["amount", "currency", "id", "recipient"],
}
# Distinct mode: real catalogs rarely repeat a description word for word, so a benchmark that repeats them
# measures its caches, not its classifier. A made-up product word per server (from syllables, never a real name)
# and a per-tool clause keep every description, name and parameter set different while the text stays prose.
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "zu",
    "no",
    "ti",
    "pa",
    "sel",
    "dor",
    "fin",
    "gal",
    "hun",
    "jor",
    "kem",
    "lux",
    "mar",
    "nix",
    "oph",
    "pel",
    "quo",
    "ris",
    "tam",
    "ub",
    "vor",
    "wen",
    "xy",
    "yar",
    "zel",
    "bri",
    "cas",
    "dun",
    "eft",
    "gor",
    "hal",
    "ist",
    "jun",
    "kor",
    "lim",
    "mon",
    "nev",
    "orb",
    "pry",
    "qua",
    "rus",
    "sto",
    "tru",
    "vex",
    "wyl",
    "zan",
]
CLAUSES = (
    "Works with the {Product} {noun} set.",
    "Part of the {Product} integration.",
    "Requires a {Product} account with access to the {noun}.",
    "Results come from the {Product} {noun} index.",
    "Scoped to the {Product} workspace.",
    "Uses the {Product} API for {noun} data.",
)
PARAM_SUFFIXES = ("id", "project", "workspace", "region", "page", "scope")


def product_word(index: int) -> str:
    """A made-up word for a non-negative integer, one to one: the integer in base len(SYLLABLES), offset so
    that every word has at least two syllables (``0`` -> ``loka``)."""
    parts: list[str] = []
    index += len(SYLLABLES)
    while index:
        index, digit = divmod(index, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(reversed(parts))


def _styled(name: str, prefix: str) -> str:
    """``prefix`` joined to ``name`` in the name's own case style (snake, kebab or camel)."""
    if "-" in name and "_" not in name:
        return f"{prefix}-{name}"
    if "_" in name or name.islower() or not name:
        return f"{prefix}_{name}" if name else prefix
    return prefix + name[:1].upper() + name[1:]


def vary_tool(tool: dict[str, Any], index: int, noun: str = "record") -> dict[str, Any]:
    """A copy of a tools/list-shaped tool made distinct by product word ``index``: the name gets the product as a
    server prefix, the description a clause naming it, the schema one more parameter. Deterministic."""
    product = product_word(index)
    out = dict(tool)
    name = tool.get("name") if isinstance(tool.get("name"), str) else ""
    out["name"] = _styled(name, product)
    description = tool.get("description") if isinstance(tool.get("description"), str) else ""
    clause = CLAUSES[index % len(CLAUSES)].format(Product=product.capitalize(), noun=noun)
    out["description"] = f"{description.rstrip()} {clause}" if description.strip() else description
    key = "inputSchema" if "inputSchema" in tool else "input_schema"
    schema = tool.get(key)
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        param = f"{product}_{PARAM_SUFFIXES[index % len(PARAM_SUFFIXES)]}"
        props = {
            **schema["properties"],
            param: {"type": "string", "description": f"The {product.capitalize()} {noun}."},
        }
        out[key] = {**schema, "properties": props}
    return out


DESCRIPTIONS = {
    "read": "{Verb} {noun}s in {domain}. Returns the matching {noun} records with their metadata.",
    "write": "{Verb} a {noun} in {domain}. The change is saved immediately and can be edited later.",
    "destructive": "{Verb} a {noun} from {domain} permanently. This action cannot be undone.",
    "execute": "{Verb} a {noun} on {domain} and return its output when it completes.",
    "financial": "{Verb} a {noun} through {domain}; moves money from the connected account.",
}


@dataclass
class SyntheticServer:
    slug: str
    name: str
    description: str
    tools: list[ToolRecord]


def _tool(rng: random.Random, domain: str, used: set[str]) -> ToolRecord:
    kind = rng.choices(list(VERB_WEIGHTS), weights=list(VERB_WEIGHTS.values()))[0]
    verb = rng.choice(VERBS[kind])
    noun = rng.choice(DOMAINS[domain])
    name = f"{verb}_{noun}"
    if name in used:
        name = f"{name}_{len(used)}"
    used.add(name)
    style = rng.random()
    if style < 0.15:  # camelCase, as many TypeScript servers name them
        parts = name.split("_")
        name = parts[0] + "".join(p.title() for p in parts[1:])
    elif style < 0.25:
        name = name.replace("_", "-")
    params = rng.sample(PARAM_BY_KIND[kind], k=rng.randint(1, len(PARAM_BY_KIND[kind])))
    props = {}
    for p in params:
        spec = dict(PARAMS[p])
        if "description" in spec:
            spec["description"] = spec["description"].format(noun=noun.replace("_", " "))
        props[p] = spec
    schema = {"type": "object", "properties": props, "required": params[:1]}
    description = DESCRIPTIONS[kind].format(
        Verb=verb.replace("_", " ").capitalize(), noun=noun.replace("_", " "), domain=domain.title()
    )
    annotations: dict[str, Any] = {}
    if rng.random() < 0.4:
        annotations["readOnlyHint"] = kind == "read"
        if kind == "destructive" or rng.random() < 0.3:
            annotations["destructiveHint"] = kind == "destructive"
    return ToolRecord(
        name=name,
        description=description,
        input_schema=schema,
        annotations=annotations,
        origin="static",
        file="src/server.py",
        line=rng.randint(10, 900),
    )


def _distinct(record: ToolRecord, index: int, noun: str) -> ToolRecord:
    varied = vary_tool(
        {"name": record.name, "description": record.description, "inputSchema": record.input_schema}, index, noun
    )
    return replace(record, name=varied["name"], description=varied["description"], input_schema=varied["inputSchema"])


def generate(
    n_servers: int, seed: int = 0, tools_per_server: tuple[int, int] = (3, 17), *, distinct: bool = False
) -> Iterator[SyntheticServer]:
    """Yield servers one at a time so 100k-tool catalogs never sit in memory at once.

    ``distinct``: every tool's name, description and parameter set differ from every other's (``vary_tool``),
    as in a real catalog; the default repeats the templates' descriptions, as earlier benchmarks measured.
    The random stream is the same either way, so both modes have the same servers, verbs and parameters.
    """
    rng = random.Random(seed)
    domains = sorted(DOMAINS)
    counter = 0
    for i in range(n_servers):
        domain = rng.choice(domains)
        used: set[str] = set()
        tools = [_tool(rng, domain, used) for _ in range(rng.randint(*tools_per_server))]
        if distinct:
            tools = [_distinct(t, counter + j, domain) for j, t in enumerate(tools)]
            counter += len(tools)
        yield SyntheticServer(
            slug=f"synthetic-{domain}-{i:06d}",
            name=f"synthetic/{domain}-mcp-{i}",
            description=f"Synthetic benchmark server #{i} exposing {domain.title()} to agents.",
            tools=tools,
        )


def populate(
    session: Session, n_servers: int, seed: int = 0, batch: int = 500, *, distinct: bool = False
) -> dict[str, int]:
    """Insert a synthetic catalog with bulk inserts (the crawler's per-tool change tracking is not needed).

    ``distinct``: every tool's name, description and parameters differ (see ``generate``)."""
    now = utcnow()
    n_tools = 0
    pending: list[tuple[Server, list[ToolRecord]]] = []

    def flush() -> None:
        nonlocal n_tools
        session.add_all([s for s, _ in pending])
        session.flush()
        rows = []
        for server, records in pending:
            for rec in records:
                rows.append(
                    Tool(
                        server_id=server.id,
                        name=rec.name,
                        description=rec.description,
                        input_schema=rec.input_schema,
                        annotations=rec.annotations,
                        origin=rec.origin,
                        origin_detail=f"{rec.file}:{rec.line}",
                        fingerprint=rec.fingerprint,
                        first_seen=now,
                        last_seen=now,
                    )
                )
        session.add_all(rows)
        session.commit()
        n_tools += len(rows)
        pending.clear()

    for synth in generate(n_servers, seed, distinct=distinct):
        server = Server(
            slug=synth.slug,
            name=synth.name,
            description=synth.description,
            sources=["synthetic"],
            tools_origin="synthetic",
            first_seen=now,
            last_seen=now,
        )
        pending.append((server, synth.tools))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return {"servers": n_servers, "tools": n_tools}
