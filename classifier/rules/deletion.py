"""Destructive: deletes, drops, purges, terminates, revokes, or replaces existing content wholesale.

A ``remove`` of a label or an assignee is undone by adding it back, so it stays a Write; ``write_file``
overwrites a file, so it is Destructive (taxonomy.md), while ``edit_file`` is a targeted Write.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import (
    DESTRUCTIVE_VERBS,
    READ_VERBS,
    VERB_CATEGORY,
    Signal,
    literal_gate,
    resource_first_actions,
    stoppable,
)
from classifier.text import plain

REVERSIBLE_REMOVALS = plain(
    "label labels tag tags assignee assignees reaction reactions star bookmark favorite favourite watcher "
    "highlight filter reviewer reviewers from background collaborator collaborators protection"
)
SOFT_CLEARS = plain("selection filter filters screen console input highlight highlights formatting")
FILE_OBJECTS = plain("file files content contents document page note")
ENUM_DESTROY = plain("delete remove drop destroy purge truncate terminate uninstall wipe erase")
# Words without which OVERWRITE cannot match (checked first: a set test is cheaper than the regex).
OVERWRITE_TRIGGERS = plain(
    """overwrite overwrites overwritten overwriting overwrite replace replaces completely force permanently
    irreversible irreversibly undone drop destructive"""
)
# "Soft-deletes ...", "moves it to the trash, where it can be recovered": the same API can undo it (a Write).
RECOVERABLE = re.compile(
    r"soft[- ]?delet|can be (?:recovered|restored|undone|undeleted)|(?:moves?|moved|moving) (?:it |them |\w+ )?to (?:the )?(?:trash|bin|recycle)"
)
OVERWRITE = re.compile(
    r"overwrit|replaces? (?:the )?(?:entire|existing|whole|all)|completely replac|force[- ]push|--force|"
    r"permanently (?:delet|remov|eras)|irreversib|cannot be undone|can't be undone|drop (?:table|database|collection)s?|"
    r"(?<!non-)(?<!non )\bdestructive (?:to|operation)\b|\bis destructive\b"
)


RECOVERABLE_GATE = literal_gate(RECOVERABLE)


# "Removes a signer from a contract": the tool unlinks one thing from another; adding it back undoes it.
UNLINKS = re.compile(
    r"\s*(?:removes?|unlinks?|detach(?:es)?) (?:an? |the |one |this )?([\w-]+) from (?:an? |the |this )?([\w-]+)"
)
# Unlinking these from their container loses the thing itself (a file from a repository, a row from a table).
CONTENT_OBJECTS = FILE_OBJECTS | plain(
    "directory folder repository repo database table data record records row rows branch item items entry entries "
    "value values key keys object objects element elements message messages"
)
# "replace_device_twin", "replace_sign_in_page": the name's verb swaps a whole thing; find-and-replace edits text.
TEXT_EDITS = plain("search find text string strings word words occurrences all regex pattern")
BACKUPS = plain("backup backups snapshot snapshots checkpoint")
# "Archive an item ... rather than being permanently deleted": the phrase names what the tool does not do.
NEGATED_BEFORE = re.compile(r"(?:rather than|instead of|without|never)(?: being| getting)?\s*$")
# A parameter whose enum lists SQL statement kinds (SELECT, INSERT, UPDATE, DELETE) names what a policy or a
# trigger applies to, not an operation this tool performs.
SQL_STATEMENT_KINDS = plain("select insert")
# "create_run(workspace_id, is_destroy: boolean)": a flag that turns the tool into a destroy run or a purge.
DESTROY_FLAGS = plain("destroy purge wipe")
# "Makes a direct REST API call", "Call any endpoint": a free HTTP method and path reach every operation of the
# API, DELETE included; the most severe thing it does as intended is destroy (taxonomy.md: the first category).
PASSTHROUGH_WORDS = plain("any general direct arbitrary raw generic")
API_WORDS = plain("api rest endpoint endpoints")
# LABELLING.md "Reset of limits or counters": a targeted reversible update (Write), not a reset of data.
RESET_LIMITS = plain("limit limits counter counters quota quotas rate throttle window budget budgets")
# A batch call whose parameters carry a list of things to delete ("create", "update", "delete" arrays).
DELETE_LISTS = plain("delete deletes delete_ids to_delete remove_ids")
# A free "operation(s)" or "action" parameter whose description lists deletions among the operations
# ("Perform bulk inserts, updates, or deletes", "Supported operations: ... DeleteCluster"): it can destroy.
OPERATION_PARAMS = plain("operation operations api_operation action actions")
LISTED_DELETION = re.compile(
    r"(?:,|\bor|\band)\s+(?:delete|deletes|deleting|drop|drops|destroy|terminate)\b|\bDelete[A-Z]\w+"
)
# Names of a plain write that takes a path ("write", "write_to_disk"); "pull_request_thread_write" writes a thread.
WRITE_TARGETS = plain("write to text data content output local disk new")


def unlinks(f: ToolFeatures) -> bool:
    """Whether the description says the tool removes a member-like thing from a container (a Write)."""
    match = UNLINKS.match(f.description) if f.description else None
    # "Remove a contact from Resend": removed from the service itself, not from a container in it.
    return match is not None and match.group(1) not in CONTENT_OBJECTS and match.group(2) not in f.server_words


def _destroying_value(value: str) -> bool:
    """An enum value naming a destroying operation on something: ``drop_policy``, ``delete-item``.

    ``remove_*`` is left out: removing a member or a label from something is undone by adding it back.
    """
    head, sep, _ = value.lower().replace("-", "_").partition("_")
    return bool(sep) and head in ENUM_DESTROY and head != "remove"


# "delete_card(card_id, hard_delete)": a soft delete by default, a permanent one on request; the most severe
# thing the tool does as intended is the permanent one (taxonomy.md: the first category).
HARD_DELETE_PARAMS = plain("hard_delete harddelete hard permanent permanently force_delete purge")


def recoverable(f: ToolFeatures) -> bool:
    if not f.param_names.isdisjoint(HARD_DELETE_PARAMS):
        return False
    return bool(f.description) and RECOVERABLE_GATE(f.description) and RECOVERABLE.search(f.description) is not None


def detect(f: ToolFeatures) -> list[Signal]:
    actions = resource_first_actions(f)
    verb = actions[0] if actions else None
    out: list[Signal] = []
    if verb in DESTRUCTIVE_VERBS and recoverable(f):
        return out  # actions.py calls it a Write
    if verb in DESTRUCTIVE_VERBS and (unlinks(f) or (verb == "terminate" and stoppable(f))):
        return out  # actions.py calls it a Write (an unlink) or an Execute (a stop)
    for v in actions[:2] if verb not in READ_VERBS else ():
        if v not in DESTRUCTIVE_VERBS:
            continue
        if v == "remove" and f.name_set & REVERSIBLE_REMOVALS:
            continue
        if v == "clear" and f.name_set & SOFT_CLEARS:
            continue
        if v == "drop" and "drag" in f.name_set:
            continue
        if v == "reset" and (f.name_set | f.desc_set) & RESET_LIMITS:
            continue
        out.append(Signal("deletion.destructive_verb", "Destructive", v))
        break
    appends_only = "append" in f.desc_set and "mode" not in f.param_names  # a mode parameter can still overwrite
    if (
        verb == "write"
        and (f.name_set & FILE_OBJECTS or "path" in f.param_words and f.name_set <= WRITE_TARGETS)
        and not appends_only
    ):
        out.append(Signal("deletion.overwrites_file", "Destructive", "write,file"))
    enum_destroys = bool(f.enum_words) and (  # most tools have no enum: no generator to start
        not f.enum_words.isdisjoint(ENUM_DESTROY) or any(_destroying_value(v) for v in f.enum_words)
    )
    for p in f.params if enum_destroys else ():
        # An operation chosen by an enum ("action": create|update|delete, "method": GET|DELETE) can destroy.
        destroying = [v for v in p.enum if v in ENUM_DESTROY or _destroying_value(v)]
        if {v.lower() for v in p.enum} >= SQL_STATEMENT_KINDS:
            continue
        if destroying and not REVERSIBLE_REMOVALS.isdisjoint(p.words):
            continue  # "reviewerAction": add|remove a reviewer is undone by adding it back
        if destroying == ["remove"] and not REVERSIBLE_REMOVALS.isdisjoint(f.name_set):
            continue  # "manage_tags(operation: add|remove|list)": a tag removed is added back
        if destroying and verb not in READ_VERBS:
            out.append(Signal("deletion.destructive_operation", "Destructive", f"param:{p.name}={destroying[0]}"))
            break
    if (
        "method" in f.param_names
        and f.param_names & plain("path endpoint")
        and verb not in READ_VERBS
        and f.desc_set & PASSTHROUGH_WORDS
        and (f.desc_set | f.name_set) & API_WORDS
        and not out
    ):
        out.append(Signal("deletion.api_passthrough", "Destructive", "param:method,path"))
    listed = f.param_names & OPERATION_PARAMS and f.description and LISTED_DELETION.search(f.description)
    reads = verb is None and bool(f.desc_words) and f.desc_words[0].removesuffix("s") in READ_VERBS
    if listed and verb not in READ_VERBS and not reads and not out:
        out.append(
            Signal(
                "deletion.operation_list", "Destructive", "param:" + ",".join(sorted(f.param_names & OPERATION_PARAMS))
            )
        )
    if f.param_names & DELETE_LISTS and verb not in READ_VERBS and not out:
        why = "param:" + ",".join(sorted(f.param_names & DELETE_LISTS))
        out.append(Signal("deletion.batch_delete", "Destructive", why))
    if verb == "manage" and not f.desc_set.isdisjoint(ENUM_DESTROY):
        out.append(Signal("deletion.manages_deletion", "Destructive", ",".join(sorted(f.desc_set & ENUM_DESTROY))))
    if verb == "replace" and f.name_words and f.name_words[0] == "replace" and not f.name_set & TEXT_EDITS:
        out.append(Signal("deletion.replaces_whole", "Destructive", "replace," + "_".join(f.name_words[1:3])))
    if verb == "restore" and (f.name_set | f.desc_set) & BACKUPS:
        out.append(
            Signal(
                "deletion.restores_backup",
                "Destructive",
                "restore," + ",".join(sorted((f.name_set | f.desc_set) & BACKUPS)),
            )
        )
    flag = (
        next((p.name for p in f.params if p.type == "boolean" and DESTROY_FLAGS & set(p.words)), None)
        if not f.param_words.isdisjoint(DESTROY_FLAGS)  # every parameter's words are in param_words
        else None
    )
    if flag is not None and verb not in READ_VERBS:
        out.append(Signal("deletion.destroy_flag", "Destructive", f"param:{flag}"))
    if "force" in f.name_set and f.name_set & plain("push reset"):
        out.append(Signal("deletion.force", "Destructive", "force"))
    match = OVERWRITE.search(f.description) if not f.desc_set.isdisjoint(OVERWRITE_TRIGGERS) else None
    if match and NEGATED_BEFORE.search(f.description[max(0, match.start() - 24) : match.start()]):
        match = None
    if match and verb not in READ_VERBS and "not" not in f.description[max(0, match.start() - 12) : match.start()]:
        strong = verb is not None and VERB_CATEGORY.get(verb) in ("Write", "Destructive")
        out.append(Signal("deletion.overwrite_phrase", "Destructive", match.group(0), strong=strong))
    return out
