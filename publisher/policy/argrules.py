"""Argument rules derived from a tool's input schema: where a call may point, how much it may move.

A tool's category says whether it may be called; its arguments say what a call can reach. A `read_file`
with a free `path` reads `~/.ssh`; a `fetch` with a free `url` reaches the cloud metadata endpoint; a
`create_payment` with a free `amount` empties the account. Each rule here is semantic (a kind and its
parameters), so every compiler can express it in its own language: regexes for the gateway and Intercept,
`like` patterns for Cedar. Detection is by parameter name, JSON-schema type/format and the tool's
classification, and errs toward fewer, certain rules: a wrong restriction breaks a working tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from catalog.taxonomy import Capability, Category
from publisher.policy.options import PolicyOptions

PATH_ROOT = "path_root"
URL_HOSTS = "url_hosts"
AMOUNT_CAP = "amount_cap"
RECIPIENT_DOMAIN = "recipient_domain"
RAW_SQL = "raw_sql"
RAW_COMMAND = "raw_command"

# Rules that restrict a value (enforceable as a condition) vs. rules that gate the whole call.
VALUE_RULES = (PATH_ROOT, URL_HOSTS, AMOUNT_CAP, RECIPIENT_DOMAIN)
GATE_RULES = (RAW_SQL, RAW_COMMAND)

_PATH_NAMES = re.compile(
    r"^(?:path|paths?_?|file|filename|file_?path|filepath|dir|directory|dirname|folder|cwd|working_?dir(?:ectory)?|"
    r"root|source_?path|dest(?:ination)?_?path|target_?path|output_?path|input_?path|local_?path|abs_?path)$",
    re.IGNORECASE,
)
_PATH_SUFFIX = re.compile(r"(?:_path|_file|_dir|_directory|_folder|Path|File|Dir|Directory|Folder)$")
_URL_NAMES = re.compile(r"^(?:url|uri|href|link|endpoint|webhook(?:_?url)?|base_?url|target_?url|page_?url)$", re.I)
_URL_SUFFIX = re.compile(r"(?:_url|_uri|Url|Uri|URL)$")
_AMOUNT_NAMES = re.compile(
    r"^(?:amount|amount_?(?:cents|in_?cents|usd|eth|wei|sats?|decimal)?|value|price|unit_?amount|total|"
    r"total_?amount|cost|budget|max_?amount|quantity_?usd|size_?usd|notional|sum)$",
    re.IGNORECASE,
)
_RECIPIENT_NAMES = re.compile(
    r"^(?:to|cc|bcc|recipient|recipients|email|email_?address|to_?email|to_?address|receiver|send_?to|"
    r"recipient_?email|user_?email|attendees?|invitees?)$",
    re.IGNORECASE,
)
_SQL_NAMES = re.compile(r"^(?:sql|sql_?query|query_?sql|statement|sql_?statement|cypher|cypher_?query|promql)$", re.I)
_QUERY_NAMES = re.compile(r"^(?:query|q|query_?text)$", re.I)
_SQL_CONTEXT = re.compile(
    r"\b(?:sql|select\s+\w|cypher|promql|postgres\w*|mysql|sqlite|clickhouse|bigquery|snowflake|duckdb|"
    r"database query|run a query|execute (?:a |the )?query)\b",
    re.IGNORECASE,
)
_COMMAND_NAMES = re.compile(
    r"^(?:command|cmd|commands|script|code|shell|shell_?command|bash|bash_?command|powershell|program|"
    r"source_?code|python_?code|js_?code|javascript|expression_?code|snippet)$",
    re.IGNORECASE,
)
_EGRESS_WORDS = re.compile(
    r"\b(?:fetch\w*|download\w*|crawl\w*|scrape\w*|navigate\w*|browse\w*|http request|request a url|webhook\w*)\b",
    re.IGNORECASE,
)
_COMMAND_SUFFIX = re.compile(r"(?:_command|_script|_code|Command|Script)$")


@dataclass(frozen=True)
class ArgRule:
    """One restriction on one top-level argument; `params` hold what the kind needs (root, hosts, max...)."""

    kind: str
    param: str
    reason: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    required: bool = True  # the schema requires the argument (formats differ on what a missing one means)

    @property
    def gates_call(self) -> bool:
        """True for rules that cannot check a value and instead gate the whole call (raw SQL / commands)."""
        return self.kind in GATE_RULES

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "param": self.param,
            "required": self.required,
            "reason": self.reason,
            **dict(sorted(self.params.items())),
        }


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    found: set[str] = set()
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            if isinstance(sub, dict):
                found |= _types(sub)
    return found


def _text(*parts: Any) -> str:
    return " ".join(p for p in parts if isinstance(p, str))


def properties(input_schema: dict[str, Any] | None) -> list[tuple[str, dict[str, Any]]]:
    """Top-level parameters in a stable order; nested objects are left alone (no format addresses them all)."""
    if not isinstance(input_schema, dict):
        return []
    props = input_schema.get("properties")
    if not isinstance(props, dict):
        return []
    return [(str(k), v if isinstance(v, dict) else {}) for k, v in sorted(props.items(), key=lambda kv: str(kv[0]))]


def _is_path(name: str, schema: dict[str, Any], caps: set[Capability]) -> bool:
    """A local file-system path: only on tools that touch the local file system.

    A `path` on a GitHub tool is a path inside a repository and a `menuPath` names a menu entry; restricting
    those to a local root would break the tool, so `filesystem` (or `code_execution`: a shell's `cwd`) is required.
    """
    if "string" not in _types(schema) and _types(schema):
        return False
    if _URL_NAMES.match(name) or _URL_SUFFIX.search(name):
        return False
    if caps & {Capability.FILESYSTEM, Capability.CODE_EXECUTION}:
        return bool(_PATH_NAMES.match(name) or _PATH_SUFFIX.search(name))
    return False


def _is_url(name: str, schema: dict[str, Any], caps: set[Capability], tool_text: str) -> bool:
    """A URL the tool will request: needs `network_egress`, a webhook, or a tool that says it fetches."""
    types = _types(schema)
    if types and "string" not in types:
        return False
    fmt = schema.get("format")
    if not (_URL_NAMES.match(name) or _URL_SUFFIX.search(name) or fmt in ("uri", "url", "iri")):
        return False
    return Capability.NETWORK_EGRESS in caps or "webhook" in name.lower() or bool(_EGRESS_WORDS.search(tool_text))


def _is_amount(name: str, schema: dict[str, Any], category: Category) -> bool:
    types = _types(schema)
    return category is Category.FINANCIAL and bool(types & {"number", "integer"}) and bool(_AMOUNT_NAMES.match(name))


def _is_recipient(name: str, schema: dict[str, Any], caps: set[Capability]) -> bool:
    types = _types(schema)
    if types and "string" not in types:
        return False
    return Capability.SENDS_COMMUNICATION in caps and bool(_RECIPIENT_NAMES.match(name))


def _is_sql(name: str, schema: dict[str, Any], tool_text: str) -> bool:
    types = _types(schema)
    if types and "string" not in types:
        return False
    if _SQL_NAMES.match(name):
        return True
    return bool(_QUERY_NAMES.match(name)) and bool(_SQL_CONTEXT.search(_text(tool_text, schema.get("description"))))


def _is_command(name: str, schema: dict[str, Any], category: Category, caps: set[Capability]) -> bool:
    types = _types(schema)
    if types and not types & {"string", "array"}:
        return False
    if not (category is Category.EXECUTE or Capability.CODE_EXECUTION in caps):
        return False
    return bool(_COMMAND_NAMES.match(name) or _COMMAND_SUFFIX.search(name))


def _fmt_amount(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def derive_arg_rules(
    *,
    tool_name: str,
    description: str | None,
    input_schema: dict[str, Any] | None,
    category: Category | str,
    capabilities: Iterable[Capability | str],
    options: PolicyOptions,
) -> list[ArgRule]:
    """Every argument rule that applies to one tool, in parameter order; pure."""
    cat = Category(category)
    caps = {Capability(c) for c in capabilities}
    tool_text = _text(tool_name.replace("_", " "), description)
    rules: list[ArgRule] = []
    required = set(input_schema.get("required") or []) if isinstance(input_schema, dict) else set()
    for name, schema in properties(input_schema):
        if _is_sql(name, schema, tool_text):
            rules.append(
                ArgRule(
                    RAW_SQL, name, f"`{name}` takes caller-written SQL or query text, which can read or change anything"
                )
            )
        elif _is_command(name, schema, cat, caps):
            rules.append(
                ArgRule(RAW_COMMAND, name, f"`{name}` takes a command or code to run, with this machine's privileges")
            )
        elif _is_amount(name, schema, cat):
            cap = options.max_amount
            rules.append(
                ArgRule(
                    AMOUNT_CAP,
                    name,
                    f"`{name}` capped at {_fmt_amount(cap)} per call (in the API's unit) so one call cannot move more",
                    {"max": cap, "daily_max": cap * options.daily_amount_factor},
                )
            )
        elif _is_recipient(name, schema, caps):
            domains = tuple(sorted({d.lower().lstrip("@") for d in options.recipient_domains}))
            reason = (
                f"`{name}` must be an address in {', '.join(domains)}"
                if domains
                else f"`{name}` limited to one address per call (set recipient domains to restrict further)"
            )
            rules.append(ArgRule(RECIPIENT_DOMAIN, name, reason, {"domains": list(domains)}))
        elif _is_url(name, schema, caps, tool_text):
            hosts = tuple(sorted({h.lower() for h in options.allowed_hosts}))
            reason = (
                f"`{name}` restricted to https URLs on {', '.join(hosts)}"
                if hosts
                else f"`{name}` restricted to https URLs without credentials (set allowed hosts to restrict further)"
            )
            rules.append(ArgRule(URL_HOSTS, name, reason, {"hosts": list(hosts)}))
        elif _is_path(name, schema, caps):
            root = options.path_root.rstrip("/") or "/"
            rules.append(
                ArgRule(
                    PATH_ROOT,
                    name,
                    f"`{name}` must stay under {root} (no `..`) so the agent cannot reach other files",
                    {"root": root},
                )
            )
    return [r if r.param in required else replace(r, required=False) for r in rules]
