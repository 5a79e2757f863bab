"""Destructive: deletes, drops, purges, terminates, revokes, or replaces existing content wholesale.

A ``remove`` of a label or an assignee is undone by adding it back, so it stays a Write; ``write_file``
overwrites a file, so it is Destructive (taxonomy.md), while ``edit_file`` is a targeted Write.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import DESTRUCTIVE_VERBS, READ_VERBS, VERB_CATEGORY, Signal, name_actions, stoppable
from classifier.text import plain

REVERSIBLE_REMOVALS = plain(
    "label labels tag tags assignee assignees reaction reactions star bookmark favorite favourite watcher "
    "highlight filter reviewer reviewers from background"
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
# Names of a plain write that takes a path ("write", "write_to_disk"); "pull_request_thread_write" writes a thread.
WRITE_TARGETS = plain("write to text data content output local disk new")


def unlinks(f: ToolFeatures) -> bool:
    """Whether the description says the tool removes a member-like thing from a container (a Write)."""
    match = UNLINKS.match(f.description) if f.description else None
    # "Remove a contact from Resend": removed from the service itself, not from a container in it.
    return match is not None and match.group(1) not in CONTENT_OBJECTS and match.group(2) not in f.server_words


def recoverable(f: ToolFeatures) -> bool:
    return bool(f.description) and RECOVERABLE.search(f.description) is not None


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
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
        out.append(Signal("deletion.destructive_verb", "Destructive", v))
        break
    if (
        verb == "write"
        and (f.name_set & FILE_OBJECTS or "path" in f.param_words and f.name_set <= WRITE_TARGETS)
        and "append" not in f.desc_set
    ):
        out.append(Signal("deletion.overwrites_file", "Destructive", "write,file"))
    for p in f.params if not f.enum_words.isdisjoint(ENUM_DESTROY) else ():
        # An operation chosen by an enum ("action": create|update|delete, "method": GET|DELETE) can destroy.
        destroying = [v for v in p.enum if v in ENUM_DESTROY]
        if destroying and not REVERSIBLE_REMOVALS.isdisjoint(p.words):
            continue  # "reviewerAction": add|remove a reviewer is undone by adding it back
        if destroying and verb not in READ_VERBS:
            out.append(Signal("deletion.destructive_operation", "Destructive", f"param:{p.name}={destroying[0]}"))
            break
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
    if "force" in f.name_set and f.name_set & plain("push reset"):
        out.append(Signal("deletion.force", "Destructive", "force"))
    match = OVERWRITE.search(f.description) if not f.desc_set.isdisjoint(OVERWRITE_TRIGGERS) else None
    if match and verb not in READ_VERBS and "not" not in f.description[max(0, match.start() - 12) : match.start()]:
        strong = verb is not None and VERB_CATEGORY.get(verb) in ("Write", "Destructive")
        out.append(Signal("deletion.overwrite_phrase", "Destructive", match.group(0), strong=strong))
    return out
