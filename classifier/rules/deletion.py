"""Destructive: deletes, drops, purges, terminates, revokes, or replaces existing content wholesale.

A ``remove`` of a label or an assignee is undone by adding it back, so it stays a Write; ``write_file``
overwrites a file, so it is Destructive (taxonomy.md), while ``edit_file`` is a targeted Write.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import DESTRUCTIVE_VERBS, READ_VERBS, VERB_CATEGORY, Signal, name_actions
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
    irreversible irreversibly undone drop"""
)
# "Soft-deletes ...", "moves it to the trash, where it can be recovered": the same API can undo it (a Write).
RECOVERABLE = re.compile(
    r"soft[- ]?delet|can be (?:recovered|restored|undone|undeleted)|(?:moves?|moved|moving) (?:it |them |\w+ )?to (?:the )?(?:trash|bin|recycle)"
)
OVERWRITE = re.compile(
    r"overwrit|replaces? (?:the )?(?:entire|existing|whole|all)|completely replac|force[- ]push|--force|"
    r"permanently (?:delet|remov|eras)|irreversib|cannot be undone|can't be undone|drop (?:table|database|collection)s?"
)


def recoverable(f: ToolFeatures) -> bool:
    return bool(f.description) and RECOVERABLE.search(f.description) is not None


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    verb = actions[0] if actions else None
    out: list[Signal] = []
    if verb in DESTRUCTIVE_VERBS and recoverable(f):
        return out  # actions.py calls it a Write
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
    if verb == "write" and (f.name_set & FILE_OBJECTS or "path" in f.param_words) and "append" not in f.desc_set:
        out.append(Signal("deletion.overwrites_file", "Destructive", "write,file"))
    for p in f.params if not f.enum_words.isdisjoint(ENUM_DESTROY) else ():
        # An operation chosen by an enum ("action": create|update|delete, "method": GET|DELETE) can destroy.
        destroying = [v for v in p.enum if v in ENUM_DESTROY]
        if destroying and verb not in READ_VERBS:
            out.append(Signal("deletion.destructive_operation", "Destructive", f"param:{p.name}={destroying[0]}"))
            break
    if verb == "manage" and not f.desc_set.isdisjoint(ENUM_DESTROY):
        out.append(Signal("deletion.manages_deletion", "Destructive", ",".join(sorted(f.desc_set & ENUM_DESTROY))))
    if "force" in f.name_set and f.name_set & plain("push reset"):
        out.append(Signal("deletion.force", "Destructive", "force"))
    match = OVERWRITE.search(f.description) if not f.desc_set.isdisjoint(OVERWRITE_TRIGGERS) else None
    if match and verb not in READ_VERBS and "not" not in f.description[max(0, match.start() - 12) : match.start()]:
        strong = verb is not None and VERB_CATEGORY.get(verb) in ("Write", "Destructive")
        out.append(Signal("deletion.overwrite_phrase", "Destructive", match.group(0), strong=strong))
    return out
