"""The labelling rubric (``taxonomy.md``, version 1) as code: the one place the rest of the project asks.

Keeping precedence, the risk table and hint inference here means the classifier, the policies and the site
can never disagree about what "Critical" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

TAXONOMY_VERSION = "1"


class Category(StrEnum):
    FINANCIAL = "Financial"
    DESTRUCTIVE = "Destructive"
    EXECUTE = "Execute"
    WRITE = "Write"
    READ = "Read"


# Most severe first: when several categories apply, the first in this tuple wins.
CATEGORY_PRECEDENCE: tuple[Category, ...] = (
    Category.FINANCIAL,
    Category.DESTRUCTIVE,
    Category.EXECUTE,
    Category.WRITE,
    Category.READ,
)


class Risk(StrEnum):
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    CRITICAL = "Critical"

    @property
    def rank(self) -> int:
        return RISK_ORDER.index(self)


RISK_ORDER: tuple[Risk, ...] = (Risk.LOW, Risk.MEDIUM, Risk.HIGH, Risk.CRITICAL)


class Capability(StrEnum):
    CODE_EXECUTION = "code_execution"
    SENDS_COMMUNICATION = "sends_communication"
    NETWORK_EGRESS = "network_egress"
    UNTRUSTED_CONTENT = "untrusted_content"
    PRIVATE_DATA = "private_data"
    SECRETS = "secrets"
    PERMISSIONS = "permissions"
    FILESYSTEM = "filesystem"
    INFRASTRUCTURE = "infrastructure"
    PHYSICAL = "physical"


CATEGORY_DESCRIPTIONS: dict[Category, str] = {
    Category.FINANCIAL: "moves money or value, or commits the user to pay",
    Category.DESTRUCTIVE: "deletes, drops, terminates, revokes or overwrites so that the same API cannot undo it",
    Category.EXECUTE: "runs code, commands or queries, or starts, stops or triggers a process with real effects",
    Category.WRITE: "creates new content or makes targeted, reversible updates",
    Category.READ: "retrieves, lists, searches or computes, with no lasting change outside the call",
}

CAPABILITY_DESCRIPTIONS: dict[Capability, str] = {
    Capability.CODE_EXECUTION: "runs caller-supplied code, shell commands, or query-language text",
    Capability.SENDS_COMMUNICATION: "sends messages, emails, posts, comments or notifications that people receive",
    Capability.NETWORK_EGRESS: "makes requests to a URL or host that the caller chooses",
    Capability.UNTRUSTED_CONTENT: "returns text written by third parties",
    Capability.PRIVATE_DATA: "reads personal or confidential data",
    Capability.SECRETS: "reads, creates or changes credentials",
    Capability.PERMISSIONS: "changes who can access what",
    Capability.FILESYSTEM: "reads or writes the local file system",
    Capability.INFRASTRUCTURE: "manages cloud, compute, network or cluster resources",
    Capability.PHYSICAL: "acts on physical devices or the physical world",
}


def pick_category(candidates: Iterable[Category | str]) -> Category:
    """The most severe of the categories that apply (Read when none does)."""
    present = {Category(c) for c in candidates}
    for category in CATEGORY_PRECEDENCE:
        if category in present:
            return category
    return Category.READ


def risk_for(category: Category | str, capabilities: Iterable[Capability | str]) -> Risk:
    """The risk table of the rubric: the first matching row, from the top."""
    cat = Category(category)
    caps = {Capability(c) for c in capabilities}
    if (
        cat in (Category.FINANCIAL, Category.DESTRUCTIVE)
        or Capability.CODE_EXECUTION in caps
        or Capability.PERMISSIONS in caps
        or (Capability.SECRETS in caps and cat is not Category.READ)
    ):
        return Risk.CRITICAL
    if (
        cat is Category.EXECUTE
        or Capability.SENDS_COMMUNICATION in caps
        or (cat is Category.READ and Capability.SECRETS in caps)
        or (cat is Category.WRITE and Capability.INFRASTRUCTURE in caps)
    ):
        return Risk.HIGH
    if cat is Category.WRITE or (
        cat is Category.READ and (Capability.PRIVATE_DATA in caps or Capability.NETWORK_EGRESS in caps)
    ):
        return Risk.MEDIUM
    return Risk.LOW


# Capabilities that mean the tool reaches beyond the local machine (third-party APIs, the network, people).
OPEN_WORLD_CAPABILITIES = frozenset(
    {
        Capability.NETWORK_EGRESS,
        Capability.UNTRUSTED_CONTENT,
        Capability.SENDS_COMMUNICATION,
        Capability.INFRASTRUCTURE,
        Capability.PHYSICAL,
    }
)


def inferred_hints(
    category: Category | str, capabilities: Iterable[Capability | str], open_world: bool | None = None
) -> dict[str, bool | None]:
    """MCP hints derived from the classification, tri-state (None = unknown).

    ``open_world`` lets the caller pass what it knows beyond the capabilities (e.g. a third-party API
    behind the tool); without it, the capabilities decide.
    """
    cat = Category(category)
    caps = {Capability(c) for c in capabilities}
    if open_world is None:
        open_world = bool(caps & OPEN_WORLD_CAPABILITIES)
    return {
        "readOnlyHint": cat is Category.READ,
        "destructiveHint": cat is Category.DESTRUCTIVE,
        "idempotentHint": None,
        "openWorldHint": open_world,
    }


STANDARD_HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
