"""Tool-page prose generated from the classification, its evidence and the parameters.

Pure functions. The sentences are assembled from what is actually known about this tool (its
capabilities, the evidence the classifier recorded, the parameters a caller controls, the declared
hints that disagree, the policy snippet), so two tools of the same category read differently.
The rubric itself is never restated here: the risk explanation asks `catalog.taxonomy.risk_for`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from catalog.taxonomy import CAPABILITY_DESCRIPTIONS, CATEGORY_DESCRIPTIONS, Capability, Category, Risk, risk_for

# Why a capability needs a policy: one clause each, phrased for a security engineer.
CAPABILITY_REASONS: dict[str, str] = {
    "code_execution": "whatever code or query text the agent writes is executed with the server's privileges",
    "sends_communication": "other people receive what the agent writes, so a mistake or an injected prompt leaves "
    "the building",
    "network_egress": "the agent chooses where requests go, which can leak data to any host or reach internal services",
    "untrusted_content": "it returns text written by third parties, which can carry prompt injections into the "
    "agent's context",
    "private_data": "it exposes personal or confidential data to the model",
    "secrets": "it touches credentials, which outlive the session and open other systems",
    "permissions": "it changes who can access what, which can lock people out or let an attacker in",
    "filesystem": "it reaches the local file system, beyond the data the user meant to share",
    "infrastructure": "it changes cloud or cluster resources, with cost and availability at stake",
    "physical": "it acts on devices in the physical world, where undo may not exist",
}

# Parameter names that a caller controls and that matter for a policy, with the sentence they deserve.
PARAM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(command|cmd|script|code|shell|sql|query_?text|statement|expression|cypher|promql)$"),
        "The text in `{p}` is run as given: constrain it with `deny_if` patterns or require approval.",
    ),
    (
        re.compile(r"(url|uri|endpoint|host|hostname|webhook)$"),
        "The caller picks `{p}`, so an agent can point the request at any host the network allows.",
    ),
    (
        re.compile(r"^(path|file|filename|file_?path|dir|directory|folder|dest(ination)?)$"),
        "`{p}` names a location on disk; scope it to the folders the agent is meant to touch.",
    ),
    (
        re.compile(r"(amount|price|quantity|qty|value|total)$"),
        "`{p}` sets how much value moves; cap it in the policy.",
    ),
    (
        re.compile(r"^(to|cc|bcc|recipients?|email|channel|chat_?id|phone|user_?id)$"),
        "`{p}` decides who receives the result.",
    ),
    (
        re.compile(r"^(force|confirm(ed)?|skip_\w+|no_?verify|yes|dry_?run)$"),
        "`{p}` changes a safety check; a policy can deny calls that set it.",
    ),
)


def _join(items: list[str], conj: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def parameter_sentences(params: list[dict[str, Any]], limit: int = 3) -> list[str]:
    """Sentences about the parameters that matter for a policy (at most `limit`, in schema order)."""
    sentences: list[str] = []
    seen_patterns: set[int] = set()
    for row in params:
        leaf = row["name"].rsplit(".", 1)[-1].lower()
        for i, (pattern, text) in enumerate(PARAM_PATTERNS):
            if i not in seen_patterns and pattern.search(leaf):
                seen_patterns.add(i)
                sentences.append(text.format(p=row["name"]))
                break
        if len(sentences) >= limit:
            break
    return sentences


def _params_overview(name: str, params: list[dict[str, Any]]) -> str:
    top = [p for p in params if "." not in p["name"]]
    if not top:
        return f"`{name}` takes no parameters, so every call does the same thing."
    required = [f"`{p['name']}`" for p in top if p["required"]]
    optional = len(top) - len(required)
    if required:
        tail = f", {optional} optional" if optional else ""
        return f"It needs {_join(required)}{tail}."
    return f"All {len(top)} of its parameters are optional."


def risk_reason(category: str, capabilities: list[str], risk: str) -> str:
    """Why the rubric gives this risk: the category alone, or the capability that raised it."""
    return _risk_reason(category, tuple(capabilities), risk)


@lru_cache(maxsize=4096)
def _risk_reason(category: str, capabilities: tuple[str, ...], risk: str) -> str:
    # Asked twice per tool page (prose and FAQ) with a few hundred distinct arguments per catalog.
    try:
        base = risk_for(category, [])
        caps = [Capability(c) for c in capabilities if c in Capability._value2member_map_]
    except ValueError:
        return ""
    if base.value == risk or not caps:
        return f"the category {category} on its own rates {base.value}"
    raisers = [c.value for c in caps if risk_for(category, [c]).value == risk]
    if raisers:
        return f"a {category} tool with `{_join(raisers, 'or')}` rates {risk}"
    return f"its combination of capabilities rates {risk}"


def _evidence_phrases(evidence: list[dict[str, Any]], limit: int = 3) -> list[str]:
    phrases = []
    for item in evidence:
        if not isinstance(item, dict):
            continue
        signal = str(item.get("signal") or "").strip()
        if not signal:
            continue
        source = str(item.get("source") or "definition")
        supports = str(item.get("supports") or "").strip()
        phrase = f"“{signal[:60]}” in the {source}"
        if supports:
            phrase += f" (pointing to {supports})"
        phrases.append(phrase)
        if len(phrases) >= limit:
            break
    return phrases


def _policy_sentence(snippet: dict[str, Any] | None, risk: str) -> str:
    if snippet is None:
        return {
            "Low": "A policy can allow it and still log its calls.",
            "Medium": "A policy should rate-limit it.",
            "High": "A policy should rate-limit it tightly and watch its arguments.",
            "Critical": "A policy should deny it unless a person approves the call, or hide it.",
        }.get(risk, "")
    parts = []
    if snippet.get("hidden"):
        return "The recommended policy hides it from the agent entirely."
    if snippet.get("require"):
        parts.append("requires " + _join([f"`{r}`" for r in snippet["require"]]))
    limits = [lim for lim in snippet.get("limits") or [] if isinstance(lim, dict)]
    if limits:
        parts.append(
            "allows at most " + _join([f"{lim.get('max')} calls per {lim.get('window')}" for lim in limits[:2]], "and")
        )
    if snippet.get("deny_if"):
        parts.append(f"denies {len(snippet['deny_if'])} argument pattern(s)")
    if not parts:
        return "The recommended policy allows it without conditions."
    return "The recommended policy " + _join(parts) + "."


def tool_prose(
    tool: dict[str, Any],
    server_title: str,
    params: list[dict[str, Any]],
    snippet: dict[str, Any] | None,
) -> list[str]:
    """The 'what it does and why it needs a policy' paragraphs of a tool page, as plain sentences."""
    cls = tool.get("cls")
    name = tool["name"]
    if not cls:
        return [
            f"`{name}` is a tool of {server_title} that has not been classified yet.",
            _params_overview(name, params),
            *parameter_sentences(params),
        ]
    category, risk = cls["category"], cls["risk"]
    caps = [c for c in cls.get("capabilities") or [] if isinstance(c, str)]
    try:
        what = CATEGORY_DESCRIPTIONS[Category(category)]
    except ValueError:
        what = "does something the rubric does not name"
    sentences = [f"`{name}` is a {category} tool of {server_title}: it {what}."]
    if caps:
        described = [CAPABILITY_DESCRIPTIONS.get(Capability(c), c) for c in caps if c in Capability._value2member_map_]
        if described:
            sentences.append("It also " + _join(described[:3]) + ".")
    sentences.append(_params_overview(name, params))
    reason = risk_reason(category, caps, risk)
    if reason:
        sentences.append(f"Its risk is {risk} because {reason}.")
    reasons = [CAPABILITY_REASONS[c] for c in caps if c in CAPABILITY_REASONS]
    if reasons:
        sentences.append("It needs a policy because " + _join(reasons[:2]) + ".")
    elif risk in (Risk.LOW, "Low"):
        sentences.append("Nothing it does leaves a lasting mark, so it is safe to allow.")
    sentences += parameter_sentences(params)
    evidence = _evidence_phrases(cls.get("evidence") or [])
    if evidence:
        sentences.append("The classifier based this on " + _join(evidence) + ".")
    for mismatch in cls.get("hint_mismatches") or []:
        if isinstance(mismatch, dict) and mismatch.get("hint"):
            sentences.append(
                f"The server declares {mismatch['hint']} = {str(mismatch.get('declared')).lower()}, "
                f"but the classification implies {str(mismatch.get('inferred')).lower()}: do not rely on the "
                "declared hint."
            )
    findings = [f for f in cls.get("integrity") or [] if isinstance(f, dict)]
    if findings:
        kinds = sorted({str(f.get("kind", "finding")).replace("_", " ") for f in findings})
        sentences.append(f"Integrity checks flagged {_join(kinds)}; read the findings below before enabling it.")
    if cls.get("stale"):
        sentences.append("The tool changed after it was classified; the classification may be out of date.")
    sentences.append(_policy_sentence(snippet, risk))
    return [s for s in sentences if s]


def faq(
    tool: dict[str, Any], server_title: str, prose: list[str], snippet: dict[str, Any] | None
) -> list[dict[str, str]]:
    """Questions people ask about a tool, answered from its own data (also used for the page's FAQ)."""
    cls = tool.get("cls")
    name = tool["name"]
    description = (tool.get("description") or "").strip()
    first = re.split(r"(?<=[.!?])\s", description, maxsplit=1)[0][:300] if description else ""
    what = first or prose[0].replace("`", "")
    if cls:
        caps = [c for c in cls.get("capabilities") or [] if isinstance(c, str)]
        reason = risk_reason(cls["category"], caps, cls["risk"]).replace("`", "")
        risk_answer = f"{cls['risk']}, as a {cls['category']} tool" + (f": {reason}." if reason else ".")
    else:
        risk_answer = "It has not been classified yet."
    limits = (snippet or {}).get("limits") or []
    if limits:
        lim = limits[0]
        rate = (
            f"The recommended policy already allows {lim.get('max')} calls per {lim.get('window')}; "
            f'change "max" or "window" under tools["{name}"].limits in policy.json.'
        )
    else:
        rate = (
            f'Add a limit under tools["{name}"] in policy.json, for example '
            '{"limits": [{"counter": "calls", "window": "1h", "max": 20, "scope": "session"}]}.'
        )
    block = (
        f'List "{name}" under "hide" in policy.json (the agent never sees it), or add it to '
        "disabled-tools.json for clients that read that file."
    )
    return [
        {"q": f"What does {name} do?", "a": what},
        {"q": f"How risky is {name}?", "a": risk_answer},
        {"q": f"How do I rate-limit {name}?", "a": rate},
        {"q": f"How do I block {name}?", "a": block},
        {"q": f"Which server provides {name}?", "a": f"{server_title}; see its page for the other tools and policies."},
    ]
