"""Cross-server combination risk: the "lethal trifecta" of one agent.

An agent that can read private data, is exposed to text written by others, and has a way to send data out
can be told by that text to exfiltrate the data, even when every single tool looks harmless. The legs come
from the taxonomy's capabilities; servers of one client configuration share one agent.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog.taxonomy import Capability
from publisher.scan.model import AgentRisk, Leg, ScanServer

PRIVATE = (Capability.PRIVATE_DATA, Capability.SECRETS, Capability.FILESYSTEM)
UNTRUSTED = (Capability.UNTRUSTED_CONTENT,)
EXFILTRATION = (Capability.NETWORK_EGRESS, Capability.SENDS_COMMUNICATION, Capability.CODE_EXECUTION)


def _legs(servers: Iterable[ScanServer], caps: tuple[Capability, ...]) -> list[Leg]:
    out = []
    for server in servers:
        for tool in server.tools:
            hit = next((c for c in caps if c.value in tool.capabilities), None)
            if hit is not None:
                out.append(Leg(server.name, tool.name, hit.value))
    return out


def agent_risks(servers: Iterable[ScanServer]) -> list[AgentRisk]:
    """One AgentRisk per agent (client config), enabled servers only, in a stable order."""
    groups: dict[str, list[ScanServer]] = {}
    for server in servers:
        if not server.subject.disabled:
            groups.setdefault(server.subject.agent, []).append(server)
    return [
        AgentRisk(agent, _legs(group, PRIVATE), _legs(group, UNTRUSTED), _legs(group, EXFILTRATION))
        for agent, group in sorted(groups.items())
    ]
