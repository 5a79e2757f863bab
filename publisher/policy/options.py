"""What a user tunes in a policy: the file root, allowed hosts, the amount cap, recipient domains, limits.

Kept apart from the model so the CLI, the build and the scan pass the same object, and so the defaults
shown in the README live in one place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from catalog.cli.common import UserError

PRESETS: tuple[str, ...] = ("strict", "recommended", "permissive")


@dataclass(frozen=True)
class PolicyOptions:
    # Path arguments must stay below this folder (no `..` segments).
    path_root: str = "/workspace"
    # URL arguments must point at one of these hosts (exact host or a subdomain); empty: any https host.
    allowed_hosts: tuple[str, ...] = ()
    # Amount arguments are capped at this value, in the API's own unit (often cents).
    max_amount: float = 1000
    # Recipient arguments must be addresses in these domains; empty: one recipient per call.
    recipient_domains: tuple[str, ...] = ()
    # Per-tool call limits by risk (calls per window) and the server-wide limit.
    medium_limit: tuple[int, str] = (60, "hour")
    high_limit: tuple[int, str] = (10, "hour")
    global_limit: tuple[int, str] = (120, "minute")
    permissive_global_limit: tuple[int, str] = (300, "minute")
    # How Intercept YAML gates approval tools: `require_approval` (current Intercept), or `deny` with the reason
    # for proxy versions whose validator only knows `evaluate` and `deny`.
    intercept_approval: str = "require_approval"
    # Daily total of amounts per Financial tool, as a multiple of max_amount.
    daily_amount_factor: int = 10
    extra: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "path_root": self.path_root,
            "allowed_hosts": list(self.allowed_hosts),
            "max_amount": self.max_amount,
            "recipient_domains": list(self.recipient_domains),
        }


ENV_PREFIX = "MCP_CATALOG_POLICY_"


class PolicyOptionsError(UserError):
    """A bad MCP_CATALOG_POLICY_* value; a UserError so every command reports it without a traceback."""


def _split(value: str) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in value.split(",") if v.strip()}))


def options_from_env(environ: Mapping[str, str] | None = None) -> PolicyOptions:
    """Options for `mcp-catalog build` from MCP_CATALOG_POLICY_* (PATH_ROOT, ALLOW_HOSTS, MAX_AMOUNT,
    RECIPIENT_DOMAINS, INTERCEPT_APPROVAL), so an operator publishes policies for their own environment."""
    env = os.environ if environ is None else environ
    opts = PolicyOptions()
    values: dict[str, object] = {}
    if root := env.get(ENV_PREFIX + "PATH_ROOT"):
        if not root.startswith("/"):
            raise PolicyOptionsError(f"{ENV_PREFIX}PATH_ROOT must be an absolute path, got {root!r}")
        values["path_root"] = root
    if hosts := env.get(ENV_PREFIX + "ALLOW_HOSTS"):
        values["allowed_hosts"] = _split(hosts)
    if domains := env.get(ENV_PREFIX + "RECIPIENT_DOMAINS"):
        values["recipient_domains"] = _split(domains)
    if amount := env.get(ENV_PREFIX + "MAX_AMOUNT"):
        try:
            values["max_amount"] = float(amount)
        except ValueError:
            raise PolicyOptionsError(f"{ENV_PREFIX}MAX_AMOUNT must be a number, got {amount!r}") from None
        if values["max_amount"] <= 0:  # type: ignore[operator]
            raise PolicyOptionsError(f"{ENV_PREFIX}MAX_AMOUNT must be positive")
    if approval := env.get(ENV_PREFIX + "INTERCEPT_APPROVAL"):
        if approval not in ("require_approval", "deny"):
            raise PolicyOptionsError(f"{ENV_PREFIX}INTERCEPT_APPROVAL must be require_approval or deny")
        values["intercept_approval"] = approval
    return PolicyOptions(**{**opts.__dict__, **values}) if values else opts
