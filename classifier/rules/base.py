"""What a rule emits, and the verb lexicon every family shares.

A rule family looks at a ``ToolFeatures`` and returns ``Signal`` objects: which rule fired, which category
or capability it supports, and the words or parameters that made it fire. Strong signals come from the
tool's own action (its name's verb, a ``sql`` parameter); weak ones from prose that merely mentions
something. The engine turns signals into the decision and keeps them as evidence, so every label can be
traced to the words behind it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from classifier.features import ToolFeatures
from classifier.rules.languages import LATIN_VERBS, foreign_lead_verb
from classifier.text import plain


class Signal(NamedTuple):
    """One finding of a rule. A named tuple rather than a frozen dataclass: the rules build several per tool,
    and a tuple is built in a third of the time (the same fields, repr, equality, immutability and hash)."""

    rule: str  # "<family>.<rule>", stable ids for evidence and tests
    supports: str  # a Category value ("Destructive") or a Capability value ("code_execution")
    signal: str  # the words or parameters that fired
    strong: bool = True


def third_person(words: frozenset[str]) -> frozenset[str]:
    """Base verbs plus the forms descriptions start with: "Deletes", "Retrieves", "Queries"."""
    out = set(words)
    for w in words:
        if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
            out.add(w[:-1] + "ies")
        elif w.endswith(("s", "sh", "ch", "x", "z")):
            out.add(w + "es")
        else:
            out.add(w + "s")
    return frozenset(out)


READ_VERBS = plain(
    """get list search find read fetch query describe show view check count lookup look retrieve download export
    analyze analyse calculate compute convert validate verify explain summarize summarise compare browse inspect
    scan preview estimate resolve translate parse format lint diff info health ping recommend suggest extract
    detect identify classify predict forecast monitor watch load echo whoami discover explore tail grep tree stat
    ls cat head peek poll wait sample score measure plan lookup obtain collect gather review audit evaluate render
    transcribe ocr capture screenshot snapshot tell ask answer research crawl scrape visit test debug trace
    locate geocode route reverse decode encode hash diagnose examine study understand recall retrieve see print
    current latest top trending batch_get batchget generate introspect quote simulate"""
)
WRITE_VERBS = plain(
    """create add update edit modify set put post insert upsert upload move rename label tag assign unassign append
    patch save mark archive unarchive comment reply send share invite publish submit import register attach link
    unlink enable disable configure merge close reopen star unstar pin unpin like follow unfollow copy duplicate
    clone fork write store remember record complete approve reject transition change toggle subscribe
    unsubscribe book reserve commit push open make new schedule finalize void notify broadcast announce tweet retweet ingest
    unpublish manage detach reschedule draft forward mention react upvote
    note memorize annotate bookmark favorite favourite lock unlock snooze mute unmute sync restore checkout
    switch stage unstage tag rebase cherry import init initialize setup install_label accept decline respond
    vote transfer order place sort refresh rotate regenerate backup reorder organize group ungroup join leave enroll apply define
    declare provide fill allocate grant configure customize customise replace convert_and_save generate_and_save"""
)
DESTRUCTIVE_VERBS = plain(
    """delete remove drop purge destroy truncate terminate revoke uninstall wipe erase overwrite reset clear
    unregister rm rmdir del discard expunge shred flush empty obliterate nuke deprovision decommission evict
    rollback recreate"""
)
EXECUTE_VERBS = plain(
    """run execute exec eval invoke trigger start stop restart reboot launch deploy build dispatch rerun retry kill
    spawn click hover scroll navigate press drag compile call cancel pause resume suspend unpause shutdown boot
    scale redeploy provision rebuild play automate tap swipe type install connect disconnect
    login logout authenticate signin signout upgrade migrate promote"""
)
MONEY_VERBS = plain(
    """pay charge refund payout purchase buy sell trade swap withdraw deposit bridge stake unstake tip donate
    checkout invoice bill transfer send mint borrow lend repay liquidate invest divest rebalance"""
)

VERB_CATEGORY: dict[str, str] = {}
for _words, _cat in (
    (READ_VERBS, "Read"),
    (WRITE_VERBS, "Write"),
    (EXECUTE_VERBS, "Execute"),
    (DESTRUCTIVE_VERBS, "Destructive"),
):
    for _w in _words:
        VERB_CATEGORY.setdefault(_w, _cat)
# Money verbs are Write-like actions whose object decides (money.py); alone they are a Write.
for _w in MONEY_VERBS:
    VERB_CATEGORY.setdefault(_w, "Write")

# Words that are verbs but, early in a name, usually name a resource ("run_list", "deploy_status_get").
NOUNISH_VERBS = plain(
    """run build deploy post comment message tag label log record test check review schedule order report alert
    event search query lock share link note draft update change transfer commit push merge release backup export
    import call job file memo history invoice payment trade bill charge sample snapshot screenshot plan stage
    trace score watch monitor tree status head stat book swap stake unstake buy sell trade"""
)

# Nounish verbs that, as the first word of a name, are nearly always its action ("update_view", "change_owner").
FIRST_WORD_VERBS = plain("update change transfer share lock merge push commit release import export backup")
# Last words that make a lone mid-name verb a noun: "maps_place_details", "bridge_health", "order_status".
DETAIL_TAILS = plain("details detail info information status health summary units url urls")

# Things that are stopped, not destroyed, by "terminate": they can be started again (taxonomy.md).
STOPPABLE = plain("app apps application applications process processes session sessions terminal task run job")


def stoppable(f: ToolFeatures) -> frozenset[str]:
    """What a ``terminate`` stops, when it is a process-like thing: the name's object, else the description's."""
    objects = f.name_set - {"terminate", "force"}
    return (objects or f.desc_set) & STOPPABLE


LEAD_VERBS: dict[str, str] = {}
for _w, _cat in VERB_CATEGORY.items():
    for _form in third_person(frozenset({_w})):
        LEAD_VERBS.setdefault(_form, _cat)
for _form in ("returns", "provides", "gets", "gives", "displays", "shows", "lists", "looks", "allows"):
    LEAD_VERBS[_form] = "Read"
# Words that start a description but say nothing about the action ("Use this tool to ...", "This tool ...").
LEAD_FILLERS = plain("use this tool to the a an will it can mcp that which lets you allows for tools function api")


def name_actions(f: ToolFeatures) -> tuple[str, ...]:
    """The action verbs of a tool's name, most important first.

    ``get_run_status`` -> (get,); ``d1_database_delete`` -> (delete,); ``workflow_run_list`` -> (list, run);
    ``create_or_update_file`` -> (create, update). A verb early in the name that usually names a resource
    (run, build, post...) yields to a later verb.
    """
    if f.actions is None:
        actions = _ACTIONS.get(f.name_words)
        if actions is None:
            actions = _ACTIONS[f.name_words] = _name_actions(f.name_words)
        f.actions = actions
    return f.actions


# Actions per name word tuple: they depend on the name alone, and catalogs repeat names across servers.
_ACTIONS: dict[tuple[str, ...], tuple[str, ...]] = {}


def clear_caches() -> None:
    """Forget cached name actions (benchmarks measure a cold start)."""
    _ACTIONS.clear()


def _name_actions(words: tuple[str, ...]) -> tuple[str, ...]:
    if len(_ACTIONS) > 200_000:
        _ACTIONS.clear()  # bounded, like split_identifier's cache
    if not LATIN_VERBS.keys().isdisjoint(words):
        words = tuple(LATIN_VERBS.get(w, w) for w in words)  # "eliminar_archivo" -> delete
    verbs = [w for w in words if w in VERB_CATEGORY]
    if not verbs:
        return ()
    if len(words) > 2 and words[-1] in DETAIL_TAILS:
        inner = [v for v in verbs if v != words[-1]]
        if len(inner) == 1 and words[0] != inner[0]:
            # A noun in the middle of a name about something's details ("maps_place_details"): the tail is
            # the action when it is a verb ("wallet_bridge_health"), else the description says it.
            return tuple(v for v in verbs if v == words[-1])
    if len(verbs) == 1 and "or" not in words and "and" not in words:
        return (verbs[0],)  # most names: one verb, nothing joined to it, nothing to reorder
    if (
        len(verbs) > 1
        and verbs[0] in NOUNISH_VERBS
        and words[0] != verbs[0]
        or len(verbs) > 1
        and verbs[0] in NOUNISH_VERBS
        and verbs[1] not in NOUNISH_VERBS
        and not (words[0] == verbs[0] and verbs[0] in FIRST_WORD_VERBS)
    ):
        verbs = verbs[1:] + verbs[:1]
    first = verbs[0]
    joined = [first]
    for i, w in enumerate(words):
        if w in ("or", "and") and 0 < i < len(words) - 1 and words[i + 1] in VERB_CATEGORY:
            joined.append(words[i + 1])
    rest = [v for v in verbs[1:] if v not in joined]
    return tuple(joined + rest)


def resource_first_actions(f: ToolFeatures) -> tuple[str, ...]:
    """The name's actions, without the resource of a dotted ``resource.action`` name.

    Why: "list.create", "list.delete" (a ClickUp list) name the resource first and the action after the dot;
    the resource's word is also a verb, and taken for the action it makes every such tool a Read.
    """
    actions = name_actions(f)
    if len(actions) > 1 and "." in f.name and f.name.split(".", 1)[0].lower() == actions[0]:
        return actions[1:]
    return actions


def primary_action(f: ToolFeatures) -> tuple[str | None, str]:
    """The verb that states what the tool does, and where it came from ("name", "description" or "")."""
    actions = name_actions(f)
    if actions:
        return actions[0], "name"
    for w in f.lead_words:
        if w in LEAD_VERBS:
            return w, "description"
        if w not in LEAD_FILLERS:
            break
    foreign = foreign_lead_verb(f.description)  # "查询交易状态", "Elimina un archivo": other languages' verbs
    return (foreign, "description") if foreign is not None else (None, "")


def lead_base(word: str) -> str:
    """The base form of a description's leading verb ("deletes" -> "delete")."""
    if word in VERB_CATEGORY:
        return word
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(cut) and word[: -len(cut)] + add in VERB_CATEGORY:
            return word[: -len(cut)] + add
    return word


def hits(words: frozenset[str], vocabulary: frozenset[str]) -> str:
    """The sorted words both sets share, as evidence text ("" when none)."""
    common = words & vocabulary
    return ",".join(sorted(common)) if common else ""


# ---- Literal gates: skip a regex search when the text lacks every literal the pattern needs ----------------
# A rule's phrase regex is tried at every position of a description, which costs microseconds; most
# descriptions lack the words it needs. The words are read from the compiled pattern itself, so a gate can
# never disagree with the regex it guards, however the pattern is edited.

MIN_GATE_LITERAL = 2  # shorter literals (a space, one letter) are in nearly every text: no use as a gate
MAX_GATE_SETS = 2


def _necessary(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Sets of literal strings such that every match of this parsed sequence contains one string of each set."""
    from re import _constants as sre

    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & (re.IGNORECASE | re.VERBOSE):
                found.extend(_necessary(sub))
        elif op is sre.BRANCH:
            options = []
            for alternative in av[1]:
                usable = [c for c in _necessary(alternative) if min(map(len, c)) >= MIN_GATE_LITERAL]
                if not usable:
                    break  # an alternative that needs no literal: the branch as a whole needs none
                options.append(max(usable, key=lambda c: (min(map(len, c)), -len(c))))
            else:
                found.append(frozenset().union(*options))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found.extend(_necessary(av[2]))
        # anything else (classes, anchors, lookarounds, backreferences) needs no particular literal
    if run:
        found.append(frozenset({"".join(run)}))
    return found


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Literal sets a match of ``pattern`` must contain, one string from each set, most selective first;
    ``()`` when nothing is known (then the gate always lets the text through)."""
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        from re import _parser

        parsed = _parser.parse(pattern.pattern, pattern.flags)
        sets = [c for c in _necessary(parsed) if min(map(len, c)) >= MIN_GATE_LITERAL]
    except Exception:  # a future ``re`` internals change: no gate, the regex decides alone
        return ()
    sets.sort(key=lambda c: (len(c), -min(map(len, c))))
    return tuple(tuple(sorted(c)) for c in sets[:MAX_GATE_SETS])


def literal_gate(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A cheap test that is False only when ``pattern`` cannot match the text (substring tests, no regex)."""
    sets = required_literals(pattern)

    def gate(text: str) -> bool:
        for options in sets:
            for literal in options:
                if literal in text:
                    break
            else:
                return False
        return True

    return gate
