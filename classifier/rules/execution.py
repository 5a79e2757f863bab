"""Execute and code_execution: shell commands, code, caller-written queries, process control, media jobs.

A query tool that takes SQL (or Cypher, PromQL, GraphQL...) text is Execute with ``code_execution`` even when
its description says "read-only"; one that only takes filter fields is a Read. Paid generation jobs (images,
video, speech) are Execute: their effect is compute spent, not data returned.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.actions import RUN_READS
from classifier.rules.base import Signal, name_actions
from classifier.text import plain

CODE_PARAMS = plain(
    """command cmd commands script code sql sql_query sqlquery cypher cypher_query promql javascript js python
    python_code js_code shell shell_command bash bash_command powershell snippet statement statements
    source_code code_snippet expression_code kql spl sparql gremlin graphql ruby_code r_code lua program
    query_sql raw_sql cmdline command_line shell_cmd function_body
    logql traceql metricsql nrql ppl esql_query functionbody"""
)
AMBIGUOUS_CODE_PARAMS = plain("code query expression function source input program body")
LANGUAGES = plain(
    """sql sqlite postgres postgresql mysql cypher promql graphql kql spl sparql gremlin hql hiveql athena
    bigquery snowflake clickhouse duckdb tsql plsql jq shell bash zsh powershell terminal python javascript
    js typescript ruby lua node nodejs code script command commands cmd repl kusto flux influxql n1ql cql
    aql esql dsl painless applescript osascript jxa soql sosl insights jinja jinja2 ddl dml"""
)
# Languages whose mere mention with a "query" parameter means the caller writes query text.
QUERY_LANGUAGES = plain(
    """sql sqlite postgres postgresql mysql cypher promql graphql kql spl sparql gremlin hql hiveql athena
    bigquery snowflake clickhouse duckdb tsql plsql kusto flux influxql n1ql cql aql esql soql sosl insights jinja
    jinja2 dsl ddl dml"""
)
DATABASES = plain(
    """sql sqlite postgres postgresql mysql mariadb mongodb mongo cypher neo4j graph aql arangodb bigquery
    snowflake clickhouse duckdb database databases db influxdb flux redshift oracle mssql cassandra aggregation
    greptimedb timescaledb supabase"""
)
# Parameter descriptions that say the text is looked for, not run ("exact line text to locate").
LOCATES = re.compile(r"\bto (?:locate|find|match|anchor)\b|\btext to search for\b")
# Parameters that pick a stored script by its identifier (a Home Assistant script entity).
STORED_SCRIPT_IDS = plain("entity_id script_id scriptid script_name entity")
# KQL is also Kusto's query language (Azure Data Explorer, Sentinel, Log Analytics): that one runs.
KUSTO = plain("kusto adx sentinel log logs analytics table tables database cluster")
SEARCH_DSL = plain("elasticsearch opensearch index indices dsl custom")
DEPLOY_FILES = plain("compose_yaml compose compose_file dockerfile docker_compose manifest_yaml")
RUN_VERBS = plain("run execute exec eval evaluate invoke call interpret")
CODE_NOUNS = plain(
    """code command commands shell script scripts sql query queries cypher python javascript js bash terminal
    cmd powershell snippet notebook cell repl statement statements applescript"""
)
MEDIA = plain(
    """image images picture pictures photo photos video videos audio speech music song songs voice tts
    avatar illustration artwork art sound sounds podcast animation"""
)
MEDIA_VERBS = plain("generate synthesize imagine draw paint animate upscale compose design isolate remix dub")
# "COST WARNING: this tool makes an API call ... which may incur costs": a paid compute job (taxonomy.md: Execute).
PAID_JOB = re.compile(r"cost warning|may incur (?:costs?|charges)|incurs? (?:costs?|charges)|consumes? credits")
PAID_TRIGGERS = plain("cost costs charges credits")
# "Manage a warehouse: suspend, resume, restart": a manage tool whose operations start and stop things.
LIFECYCLE = plain("start stop restart suspend resume reboot scale resize cordon uncordon drain rollout pause")
# "build_swap", "build_context": building a value to return, not running a build.
BUILDS = plain(
    "project app application image images docker container target package site artifact solution workspace "
    "pipeline job run module binary release bundle index"
)
PROCESS_VERBS = plain(
    """run execute exec invoke trigger start stop restart reboot launch deploy build dispatch rerun retry kill
    spawn compile pause resume suspend unpause shutdown boot scale redeploy provision rebuild"""
)
# Words without which CODE_PHRASE cannot match: a set test first spares most tools the regex.
PHRASE_TRIGGERS = plain(
    """execute executes executing executed execution run runs running arbitrary shell aggregation sql cypher
    promql graphql kql sparql dsl soql sosl insights jinja jinja2 evaluate language ddl dml"""
)
AUTHORED_QUERY = ("query dsl", "query language")  # the caller writes the query, whatever the verb
CODE_PHRASE = re.compile(
    r"(?:execut|run)\w* (?:an? |the |any |arbitrary |raw |custom |given |provided |your )*"
    r"(?:\w+ ){0,2}(?:sql|shell|bash|python|javascript|js|cypher|terminal|powershell|code|commands?|scripts?|"
    r"quer(?:y|ies)|statements?)|arbitrary (?:code|commands?|sql|quer(?:y|ies)|javascript|python)|"
    r"shell commands?|aggregation pipeline|query dsl|logs insights query|(?:soql|sosl) (?:query|search)|"
    r"evaluate jinja2? templates?|(?:sql|cypher|promql|graphql|kql|sparql) (?:query|queries|statements?)|"
    r"query language|\b(?:ddl|dml)\b"
)


LAUNCHES = plain("container containers deployment vm instance instances pod job sandbox droplet prediction")
LAUNCH_VERBS = plain("create new spawn")
INSTALL_OBJECTS = plain(
    "server package packages plugin plugins extension extensions dependency dependencies module mcp library"
)
NO_RUN_VERBS = plain(
    "get list describe show explain validate format lint parse convert introspect generate translate check"
)


QUERYISH = plain("query sql statement")
# "update(table, data, where: string)": a WHERE clause the caller writes is SQL text spliced into a statement.
WHERE_PARAMS = plain("where where_clause whereclause condition_sql filter_sql")
SQL_CONTEXT = plain("sql sqlite postgres postgresql mysql mariadb mssql table tables")
# "apply_run", "apply_plan": applying a planned change runs it.
APPLIED_PLANS = plain("run runs plan plans changeset changesets")
# "run_details", "run_status": "run" names the thing read, not an action (actions.py reads it so too).
RUN_NOUNS = RUN_READS
# Explaining or planning caller-written query text: LABELLING.md "Explain / plan queries" (Execute, code_execution;
# many explain tools run the statement, EXPLAIN ANALYZE).
PLAN_WORDS = plain("explain plan plans")
DEPLOY_VERBS = plain("deploy run apply up start build")


# Every parameter name ``_code_params`` can accept without a query-ish word in it.
CANDIDATE_PARAMS = CODE_PARAMS | AMBIGUOUS_CODE_PARAMS | DEPLOY_FILES | plain("pipeline body query dsl")

SHELL_WORDS = plain(
    """shell terminal execute executes executed run runs bash zsh sh cli powershell cmd console process
    command-line subprocess exec cron cronjob job container containers pod task"""
)


# A ``code`` parameter next to these words is a token people type (an invite, a coupon), not a program.
NON_PROGRAM_CODES = plain(
    """invite invitation discount promo promotion coupon voucher verification otp country currency postal zip
    area authorization auth oauth redeem referral gift activation pairing confirmation qr barcode mfa 2fa totp
    sms security alarm disarm pin"""
)
PROGRAM_LANGUAGES = LANGUAGES - plain("code script command commands cmd")


def _token_code(f: ToolFeatures, param_description: str) -> bool:
    """Whether a ``code`` parameter is a typed token (``redeem_invite(code)``, ``create_discount(code)``)."""
    context = f.name_set | f.desc_set | set(param_description.split())
    return bool(context & NON_PROGRAM_CODES) and not context & PROGRAM_LANGUAGES


def _shell_context(f: ToolFeatures, param_description: str) -> bool:
    """Whether a ``command`` parameter is a shell command: the tool or the parameter says it runs things."""
    return bool((f.name_set | f.desc_set | f.param_desc_words) & SHELL_WORDS or "command line" in param_description)


def _code_params(f: ToolFeatures) -> list[str]:
    """Parameters that carry code or query text. Ambiguous names (``query``, ``code``) count only when a
    language is named around them: a ``query`` parameter next to "SQL" or "Cypher" is query text, one
    next to "search" is a filter."""
    if f.param_names.isdisjoint(CANDIDATE_PARAMS) and f.param_words.isdisjoint(QUERYISH):
        return []  # no parameter any branch below can accept: most tools, decided by two set tests
    found: list[str] = []
    context: frozenset[str] | None = None
    for p in f.params:
        if not p.top:
            continue
        name = p.name
        if name not in CANDIDATE_PARAMS and QUERYISH.isdisjoint(p.words):
            continue  # the same test per parameter: no branch below accepts it
        if name in CODE_PARAMS:
            if name in ("command", "cmd", "commands") and not _shell_context(f, p.description):
                continue  # an API "command" (a target, a verb of a protocol) is not a shell
            if LOCATES.search(p.description):
                continue  # "code_snippet: exact diff line text to locate": matched against text, never run
            if name == "code" and _token_code(f, p.description):
                continue
            found.append(name)
            continue
        ambiguous = name in AMBIGUOUS_CODE_PARAMS or not QUERYISH.isdisjoint(p.words)
        if ambiguous and p.type in ("string", ""):
            if context is None:  # the languages named around the tool (no union of all its words)
                context = f.name_set & LANGUAGES | f.desc_set & LANGUAGES | f.param_desc_words & LANGUAGES
            lang = context | LANGUAGES.intersection(p.description.split())
            if (
                lang == {"kql"}
                and "search" in f.name_set
                and not (f.name_set | f.desc_set | f.param_desc_words) & KUSTO
            ):
                continue  # Keyword Query Language ("from:user hasAttachment:true") filters a search
            if lang and ("query" not in p.words or lang & QUERY_LANGUAGES):
                found.append(name)
        elif name == "pipeline" and "aggregation" in (f.desc_set | f.param_desc_words):
            found.append(name)
        elif name in ("body", "query", "dsl") and p.type == "object" and (f.name_set | f.desc_set) & SEARCH_DSL:
            found.append(name)  # a search DSL body (Elasticsearch, OpenSearch) can run scripts
        elif name in DEPLOY_FILES and f.name_set & DEPLOY_VERBS:
            found.append(name)  # a compose file or manifest the caller writes runs whatever it names
    return sorted(set(found))


# What every branch of ``detect`` needs, one of: a verb, a name word, a description word or a code-like
# parameter (``_code_params``' own test). Most tools have none and are decided by these few set tests; a new
# branch adds its trigger words here.
GATE_VERBS = PROCESS_VERBS | plain("apply schedule install manage")
GATE_NAME_WORDS = CODE_NOUNS | MEDIA | LAUNCHES  # _made_by_to needs a MEDIA word too
GATE_DESC_WORDS = PHRASE_TRIGGERS | PAID_TRIGGERS
GATE_PARAMS = CANDIDATE_PARAMS | WHERE_PARAMS


def detect(f: ToolFeatures) -> list[Signal]:
    out: list[Signal] = []
    actions = name_actions(f)
    verb = actions[0] if actions else None
    if (
        verb not in GATE_VERBS
        and f.name_set.isdisjoint(GATE_NAME_WORDS)
        and f.param_names.isdisjoint(GATE_PARAMS)
        and f.param_words.isdisjoint(QUERYISH)
        and f.desc_set.isdisjoint(GATE_DESC_WORDS)
    ):
        return out
    params = _code_params(f)
    name_code = f.name_set & CODE_NOUNS
    runs = verb in RUN_VERBS or (f.name_set & RUN_VERBS and name_code)
    if params:
        if verb in NO_RUN_VERBS:
            pass  # explaining or formatting a query never runs it
        elif "command" in params and f.name_set & plain("send voice slash bot"):
            pass  # a chat-bot or voice "command" is not a shell
        else:
            why = "param:" + ",".join(params)
            out.append(Signal("execution.code_parameter", "code_execution", why))
            out.append(Signal("execution.code_parameter", "Execute", why))
    if not out and params and verb in plain("explain get show") and f.name_set & PLAN_WORDS:
        why = "plan,param:" + ",".join(params)
        out.append(Signal("execution.explains_query", "code_execution", why))
        out.append(Signal("execution.explains_query", "Execute", why))
    if out and (f.name_set | f.desc_set | f.param_desc_words) & DATABASES:
        out.append(
            Signal("execution.database_query", "private_data", ",".join(sorted((f.name_set | f.desc_set) & DATABASES)))
        )
    if runs and name_code and not params:
        why = f"{verb},{','.join(sorted(name_code))}"
        out.append(Signal("execution.runs_code", "code_execution", why))
        out.append(Signal("execution.runs_code", "Execute", why))
    if not out and f.description and verb not in ("get", "list", "explain", "describe", "validate", "format"):
        decides = (
            params or runs or f.name_set & plain("query sql database db") or "query" in f.param_names or verb is None
        )
        # Without those, only an authored-query phrase counts: no such phrase in the text, no search.
        searched = decides or any(phrase in f.description for phrase in AUTHORED_QUERY)
        match = CODE_PHRASE.search(f.description) if searched and not f.desc_set.isdisjoint(PHRASE_TRIGGERS) else None
        if match and match.group(0).endswith(("script", "scripts")) and f.param_names & STORED_SCRIPT_IDS:
            match = None  # "execute scripts" by entity ID: a stored automation script, not code the caller writes
        if match and (decides or match.group(0) in AUTHORED_QUERY):
            out.append(Signal("execution.code_phrase", "code_execution", match.group(0), strong=True))
            out.append(Signal("execution.code_phrase", "Execute", match.group(0), strong=True))
            if (f.name_set | f.desc_set) & DATABASES:
                out.append(Signal("execution.database_query", "private_data", match.group(0)))
    media = f.name_set & MEDIA  # without a media word in the name, no media verb matters
    media_verb = (verb if verb in MEDIA_VERBS else min(f.name_set & MEDIA_VERBS, default=None)) if media else None
    made = _made_by_to(f.name_words)
    if media_verb is not None:
        out.append(Signal("execution.media_job", "Execute", f"{media_verb},{','.join(sorted(media))}"))
    elif made:
        out.append(Signal("execution.media_job", "Execute", "_".join(f.name_words)))
    elif (
        not f.desc_set.isdisjoint(PAID_TRIGGERS) and verb not in NO_RUN_VERBS | {"list"} and not _to_text(f.name_words)
    ):
        paid = PAID_JOB.search(f.description)
        if paid and (f.name_set | f.desc_set) & MEDIA:
            out.append(Signal("execution.paid_job", "Execute", paid.group(0)))
    if verb in LAUNCH_VERBS and f.name_set & LAUNCHES and not f.name_set & plain("template definition"):
        out.append(Signal("execution.launches_compute", "Execute", f"{verb},{','.join(sorted(f.name_set & LAUNCHES))}"))
    if verb == "apply":
        applied = (f.name_set | f.desc_set) & plain("manifest manifests terraform plan yaml kustomization chart")
    if verb == "apply" and (applied or "config" in f.name_set):
        out.append(Signal("execution.applies_config", "Execute", "apply," + ",".join(sorted(applied or {"config"}))))
    if verb == "schedule" and f.name_set & plain("job jobs task tasks cron workflow run pipeline build"):
        out.append(Signal("execution.schedules_job", "Execute", "schedule,job"))
    if verb == "install" and f.name_set & INSTALL_OBJECTS:
        out.append(
            Signal(
                "execution.installs_code", "code_execution", f"install,{','.join(sorted(f.name_set & INSTALL_OBJECTS))}"
            )
        )
    if verb == "manage" and not f.desc_set.isdisjoint(LIFECYCLE) and not any(s.supports == "Execute" for s in out):
        out.append(Signal("execution.manages_process", "Execute", ",".join(sorted(f.desc_set & LIFECYCLE))))
    where = (
        sorted(
            p.name
            for p in f.params
            if p.top and p.name in WHERE_PARAMS and p.type in ("string", "") and verb not in ("get", "create")
        )
        if not f.param_names.isdisjoint(WHERE_PARAMS)  # every parameter's name is in param_names
        else []
    )
    if where and not params and (f.name_set | f.desc_set | f.server_words | f.param_desc_words) & SQL_CONTEXT:
        out.append(Signal("execution.where_clause", "code_execution", "param:" + ",".join(where)))
    if verb == "apply" and f.name_set & APPLIED_PLANS and not any(s.supports == "Execute" for s in out):
        out.append(Signal("execution.applies_plan", "Execute", "apply," + ",".join(sorted(f.name_set & APPLIED_PLANS))))
    builds_value = verb == "build" and len(f.name_words) > 1 and f.name_set.isdisjoint(BUILDS)
    builds_value = builds_value or (verb == "run" and len(f.name_words) > 1 and f.name_words[-1] in RUN_NOUNS)
    if verb in PROCESS_VERBS and not builds_value and not any(s.supports == "Execute" for s in out):
        out.append(Signal("execution.process_control", "Execute", verb))
    return out


def _made_by_to(words: tuple[str, ...]) -> bool:
    """``text_to_speech``, ``text_to_sound_effects``, ``image_to_video``: a conversion whose product is media.

    ``speech_to_text`` (a transcription) returns text: a Read.
    """
    if "to" not in words:
        return False
    i = words.index("to")
    return 0 < i < len(words) - 1 and words[i + 1] in MEDIA


def _to_text(words: tuple[str, ...]) -> bool:
    """``speech_to_text``, ``audio_to_transcript``: a transcription returns text (a Read), paid or not."""
    return (
        "to" in words and words.index("to") < len(words) - 1 and words[words.index("to") + 1] in ("text", "transcript")
    )
