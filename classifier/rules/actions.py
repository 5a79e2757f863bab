"""The generic action rule: what the tool's own verb says it does (get -> Read, create -> Write...).

The other families refine this (a ``send`` of ETH is Financial, a ``run`` of SQL carries code_execution);
this family only answers "which kind of verb is it", from the name first and the description's first verb
when the name has none.
"""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import VERB_CATEGORY, Signal, lead_base, primary_action, resource_first_actions, stoppable
from classifier.rules.deletion import RESET_LIMITS, REVERSIBLE_REMOVALS, recoverable, unlinks
from classifier.text import plain

# Interaction verbs that are an Execute only on a browser, a device or a UI; elsewhere they mean little.
UI_VERBS = plain("type press fill tap swipe scroll hover click drag select navigate open")
UI_CONTEXT = plain(
    """browser page element selector tab puppeteer playwright webpage screen ui button form input mouse keyboard
    simulator emulator device window app dom xpath css shortcut shortcuts application finder"""
)
CANCEL_PROCESS = plain(
    "job run build workflow task deployment pipeline execution process query operation batch prediction training"
)
BUILD_OBJECTS = plain(
    "project app application image images docker container target package site artifact solution workspace "
    "pipeline job run module binary release bundle index"
)
ARITHMETIC = plain("add subtract multiply divide sum")
# Where setting, closing or going back is an action on a browser or a device (taxonomy.md: Execute), not an edit.
AUTOMATION_CONTEXT = plain(
    """browser browsers puppeteer playwright selenium webdriver browserbase hyperbrowser simulator emulator
    mobile ios android iphone ipad adb simctl terminal"""
)
AUTOMATION_VERBS = plain("set close forward back go reload allocate release record end switch")
SESSION_OBJECTS = plain("session sessions browser browsers tab tabs context window")
# What a "schedule" starts later (taxonomy.md: Execute "schedules a process, job"); a meeting or a post is not.
SCHEDULED_PROCESSES = plain("job jobs cron crontab backup backups script scripts workflow workflows pipeline")
SEND_INPUT = plain("key keys keystroke keystrokes control character characters input text command signal")
# "run_details", "runStatus": a name that ends in one of these reads about a run rather than starting one.
RUN_READS = plain("details detail info status logs log history summary output outputs results report reports")
# Name words that are an action on an automated browser or device even where no verb list knows them
# ("playwright_select", "scraping_browser_go_back", "stagehand_act"): taxonomy.md's "browser action" is Execute.
# LABELLING.md "Connect / disconnect": the server's own connection to a database or an API is a Read;
# connecting a device, a VPN or a shell that runs commands is Execute.
CONNECTS = plain("connect disconnect reconnect")
DATA_SERVICES = plain("database databases db mongodb mongo postgres postgresql mysql sqlite redis uri api cluster")
MACHINES = plain("ssh shell vpn bluetooth device devices wifi terminal remote machine")
# Switching something on or off ("activate_alert", "deactivate_application"): a targeted, reversible update.
TOGGLES = plain("activate deactivate reactivate")
# "Run read-only health checks for the binary": a check run to report, not a process started (taxonomy.md: Read
# "validates").
CHECK_RUNS = plain("check checks health diagnostic diagnostics")
BROWSER_ACTIONS = plain("select resize act back forward reload hover scroll drag press tap swipe click navigate")


def detect(f: ToolFeatures) -> list[Signal]:
    verb, where = primary_action(f)
    if where == "name":
        verb = resource_first_actions(f)[0]  # "list.create": the action after the dotted resource
    if verb is None:
        acted = f.name_set & BROWSER_ACTIONS
        context = (f.name_set | f.server_words) & AUTOMATION_CONTEXT
        if acted and context:
            why = f"{','.join(sorted(acted))},{','.join(sorted(context))}"
            return [Signal("actions.automation", "Execute", why, True)]
        if f.name_words and f.name_words[0] in TOGGLES:
            return [Signal("actions.toggles", "Write", f.name_words[0], True)]
        return []
    base = lead_base(verb) if where == "description" else verb
    category = VERB_CATEGORY.get(base)
    if category is None:
        return []
    strong = True  # the name's verb, or the description's first verb when the name has none, states the action
    if base in AUTOMATION_VERBS or (base in ("create", "new", "open") and f.name_set & SESSION_OBJECTS):
        context = (f.name_set | f.server_words | f.desc_set) & AUTOMATION_CONTEXT
        if context:
            return [Signal("actions.automation", "Execute", f"{base},{','.join(sorted(context))}", strong)]
    if base in CONNECTS and (f.name_set | f.desc_set) & DATA_SERVICES and not (f.name_set | f.desc_set) & MACHINES:
        return [
            Signal(
                "actions.connects_service",
                "Read",
                f"{base},{','.join(sorted((f.name_set | f.desc_set) & DATA_SERVICES))}",
                strong,
            )
        ]
    if base == "reset" and (f.name_set | f.desc_set) & RESET_LIMITS:
        return [
            Signal(
                "actions.resets_limit", "Write", "reset," + ",".join(sorted((f.name_set | f.desc_set) & RESET_LIMITS))
            )
        ]
    if base == "schedule" and (f.name_set | f.desc_set) & SCHEDULED_PROCESSES:
        words = ",".join(sorted((f.name_set | f.desc_set) & SCHEDULED_PROCESSES))
        return [Signal("actions.schedules_process", "Execute", f"schedule,{words}", strong)]
    if base == "terminate" and stoppable(f):
        return [Signal("actions.stops_process", "Execute", f"terminate,{','.join(sorted(stoppable(f)))}", strong)]
    if base in UI_VERBS:
        context = f.name_set | f.param_words | f.desc_set
        if context & UI_CONTEXT:
            return [Signal("actions.ui_interaction", "Execute", f"{base}", strong)]
        if base in ("type", "select", "fill", "press"):
            return []
        if base == "open":
            return [Signal("actions.verb", "Write", base, strong)]
    if base == "run" and where == "description" and not CHECK_RUNS.isdisjoint(f.lead_words[1:5]):
        return [Signal("actions.runs_checks", "Read", "run," + ",".join(sorted(CHECK_RUNS & set(f.lead_words[1:5]))))]
    if base == "run" and where == "name" and len(f.name_words) > 1 and f.name_words[-1] in RUN_READS:
        return [Signal("actions.reads_run", "Read", "run," + f.name_words[-1], strong)]
    if base == "build" and where == "name" and len(f.name_words) > 1 and f.name_set.isdisjoint(BUILD_OBJECTS):
        return [Signal("actions.computes", "Read", "build," + f.name_words[-1], strong)]  # builds a value
    if base in ARITHMETIC and f.params and all(p.type in ("number", "integer") for p in f.params):
        return [Signal("actions.arithmetic", "Read", base, strong)]
    if category == "Destructive" and recoverable(f):
        return [Signal("actions.recoverable_removal", "Write", f"{base},recoverable", strong)]
    if category == "Destructive" and unlinks(f):
        return [Signal("actions.unlinks", "Write", f"{base},from", strong)]
    if base == "remove" and f.name_set & REVERSIBLE_REMOVALS:
        return [
            Signal(
                "actions.reversible_removal",
                "Write",
                f"remove,{','.join(sorted(f.name_set & REVERSIBLE_REMOVALS))}",
                strong,
            )
        ]
    if base == "cancel":
        if (f.name_set | f.desc_set) & CANCEL_PROCESS:
            return [
                Signal(
                    "actions.cancel_process",
                    "Execute",
                    f"cancel,{','.join(sorted(f.name_set & CANCEL_PROCESS)) or 'process'}",
                    strong,
                )
            ]
        return [Signal("actions.verb", "Write", base, strong)]
    if (
        base == "send"
        and f.name_set & SEND_INPUT
        and (f.name_set | f.desc_set) & plain("terminal shell session tty iterm console process")
    ):
        return [Signal("actions.terminal_input", "Execute", "send,terminal", strong)]
    return [Signal(f"actions.{where}_verb", category, base, strong)]
