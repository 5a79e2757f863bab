"""Rule families, one module each; ``RULE_FAMILIES`` is the registry the engine runs in order."""

from __future__ import annotations

from collections.abc import Callable

from classifier.features import ToolFeatures
from classifier.rules import (
    actions,
    communication,
    content,
    deletion,
    egress,
    execution,
    filesystem,
    infrastructure,
    money,
    permissions,
    physical,
    secrets,
)
from classifier.rules.base import Signal

Detector = Callable[[ToolFeatures], list[Signal]]

RULE_FAMILIES: dict[str, Detector] = {
    "actions": actions.detect,
    "money": money.detect,
    "deletion": deletion.detect,
    "execution": execution.detect,
    "communication": communication.detect,
    "egress": egress.detect,
    "secrets": secrets.detect,
    "permissions": permissions.detect,
    "filesystem": filesystem.detect,
    "infrastructure": infrastructure.detect,
    "physical": physical.detect,
    "content": content.detect,
}


_DETECTORS: tuple[Detector, ...] = tuple(RULE_FAMILIES.values())


def run_rules(f: ToolFeatures) -> list[Signal]:
    """Every family's signals for one tool, in registry order."""
    out: list[Signal] = []
    for detect in _DETECTORS:
        out += detect(f)
    return out


__all__ = ["RULE_FAMILIES", "Signal", "run_rules"]
