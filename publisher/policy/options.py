"""What a user tunes in a policy: the file root, allowed hosts, the amount cap, recipient domains, limits.

Kept apart from the model so the CLI, the build and the scan pass the same object, and so the defaults
shown in the README live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
