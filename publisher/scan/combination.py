"""Cross-server combination risk: the "lethal trifecta" of one agent.

An agent that can read private data, is exposed to text written by others, and has a way to send data out
can be told by that text to exfiltrate the data, even when every single tool looks harmless. The legs come
from the taxonomy's capabilities; servers of one client configuration share one agent.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog.taxonomy import Capability
from publisher.scan.model import AgentRisk, Leg, ScanServer, risk_rank

PRIVATE = (Capability.SECRETS, Capability.PRIVATE_DATA, Capability.FILESYSTEM)
UNTRUSTED = (Capability.UNTRUSTED_CONTENT,)
EXFILTRATION = (Capability.SENDS_COMMUNICATION, Capability.NETWORK_EGRESS, Capability.CODE_EXECUTION)


def _legs(servers: Iterable[ScanServer], caps: tuple[Capability, ...], prefer: str | None = None) -> list[Leg]:
    """Every tool that is this leg, the clearest example first: a tool of the `prefer`red category (reading
    private data is a Read), then the strongest capability (listed first in `caps`), then the riskiest."""
    ranked = []
    for server in servers:
        for tool in server.tools:
            hit = next((c for c in caps if c.value in tool.capabilities), None)
            if hit is not None:
                key = (tool.category != prefer, caps.index(hit), -risk_rank(tool.risk), server.name, tool.name)
                ranked.append((key, Leg(server.name, tool.name, hit.value)))
    return [leg for _key, leg in sorted(ranked, key=lambda pair: pair[0])]


def agent_risks(servers: Iterable[ScanServer]) -> list[AgentRisk]:
    """One AgentRisk per agent (client config), enabled servers only, in a stable order."""
    groups: dict[str, list[ScanServer]] = {}
    for server in servers:
        if not server.subject.disabled:
            groups.setdefault(server.subject.agent, []).append(server)
    return [
        AgentRisk(agent, _legs(group, PRIVATE, "Read"), _legs(group, UNTRUSTED, "Read"), _legs(group, EXFILTRATION))
        for agent, group in sorted(groups.items())
    ]
