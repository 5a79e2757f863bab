"""Value rules as conditions that a call must satisfy: the regex/comparison form shared by the gateway
policy.json and the Intercept YAML.

Regexes are written for RE2 (the Go engine behind most gateways): no look-around, no back-references, so
"no `..` segment" and "no IP literal" are spelled as positive patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from publisher.policy.argrules import AMOUNT_CAP, PATH_ROOT, RECIPIENT_DOMAIN, URL_HOSTS, ArgRule

# A path segment that is not "." or "..".
_SEGMENT = r"(?:[^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)"
# A DNS name with an alphabetic top-level label: excludes IP literals, `localhost` and userinfo tricks.
_HOSTNAME = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_URL_TAIL = r"(?::[0-9]{1,5})?(?:[/?#][^\s]*)?$"
_LOCAL_PART = r"[^@\s,;<>\"]+"

NEGATION = {
    "eq": "neq",
    "neq": "eq",
    "in": "not_in",
    "not_in": "in",
    "lt": "gte",
    "lte": "gt",
    "gt": "lte",
    "gte": "lt",
}


@dataclass(frozen=True)
class Check:
    """`args.<arg> <op> <value>` must hold for the call to go ahead."""

    arg: str
    op: str
    value: Any

    def negated(self) -> dict[str, Any]:
        """The same check as a deny condition (what the gateway's `deny_if` lists)."""
        if self.op == "regex":
            return {"arg": self.arg, "op": "not_regex", "value": self.value}
        return {"arg": self.arg, "op": NEGATION[self.op], "value": self.value}


def _alternation(values: list[str]) -> str:
    return "(?:" + "|".join(re.escape(v) for v in values) + ")"


def path_pattern(root: str) -> str:
    root = root.rstrip("/")
    if not root:
        return rf"^/(?:{_SEGMENT}(?:/{_SEGMENT})*/?)?$"
    return rf"^{re.escape(root)}(?:/{_SEGMENT})*/?$"


def url_pattern(hosts: list[str]) -> str:
    if hosts:
        return rf"^https://(?:[A-Za-z0-9-]+\.)*{_alternation(hosts)}{_URL_TAIL}"
    return rf"^https://{_HOSTNAME}{_URL_TAIL}"


def recipient_pattern(domains: list[str]) -> str:
    if domains:
        return rf"(?i)^{_LOCAL_PART}@(?:[A-Za-z0-9-]+\.)*{_alternation(domains)}$"
    return rf"^{_LOCAL_PART}@[^@\s,;<>\"]+$"


def checks_for(rule: ArgRule) -> list[Check]:
    """The conditions of a value rule; gate rules (raw SQL, commands) have none."""
    if rule.kind == PATH_ROOT:
        return [Check(rule.param, "regex", path_pattern(rule.params["root"]))]
    if rule.kind == URL_HOSTS:
        return [Check(rule.param, "regex", url_pattern(rule.params["hosts"]))]
    if rule.kind == RECIPIENT_DOMAIN:
        return [Check(rule.param, "regex", recipient_pattern(rule.params["domains"]))]
    if rule.kind == AMOUNT_CAP:
        return [Check(rule.param, "gte", 0), Check(rule.param, "lte", rule.params["max"])]
    return []
