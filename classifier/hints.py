"""Declared MCP annotations versus the hints the classification implies.

Declared hints are claims by the server's author; a ``readOnlyHint: true`` on a tool that deletes is exactly
what a security reviewer needs to see, so every disagreement becomes a ``hint_mismatch``.
"""

from __future__ import annotations

from typing import Any

from catalog.taxonomy import STANDARD_HINTS

_MESSAGES = {
    ("readOnlyHint", True): "declares readOnlyHint but the tool {what}",
    ("readOnlyHint", False): "declares readOnlyHint: false but the tool only reads",
    ("destructiveHint", False): "declares destructiveHint: false but the tool {what}",
    ("destructiveHint", True): "declares destructiveHint but the tool does not destroy anything we can see",
    ("openWorldHint", False): "declares openWorldHint: false but the tool reaches beyond the local machine",
    ("openWorldHint", True): "declares openWorldHint but the tool seems to stay local",
    ("idempotentHint", True): "declares idempotentHint",
    ("idempotentHint", False): "declares idempotentHint: false",
}

_WHAT = {
    "Financial": "moves money",
    "Destructive": "deletes or overwrites",
    "Execute": "runs or triggers something",
    "Write": "changes data",
    "Read": "only reads",
}


def hint_mismatches(declared: dict[str, Any], inferred: dict[str, bool | None], category: str) -> list[dict]:
    """Every standard hint the server declares as a boolean that disagrees with the inferred one."""
    out: list[dict] = []
    for hint in STANDARD_HINTS:
        value = declared.get(hint)
        guess = inferred.get(hint)
        if not isinstance(value, bool) or guess is None or value == guess:
            continue
        template = _MESSAGES[(hint, value)]
        out.append(
            {
                "hint": hint,
                "declared": value,
                "inferred": guess,
                "message": template.format(what=_WHAT.get(category, "acts")),
            }
        )
    return out
