"""Everything a tool definition says, as plain words and sets, computed once per tool.

Rules and the learned model both read a ``ToolFeatures``: the name split into words, the description's words
and its lower-cased head for phrase checks, the input schema's parameter names, types, enums and
descriptions, the declared annotations, and the server's context (its description and other tool names).
Malformed input (a schema that is not an object, a missing description, a 100 KB description) yields fewer
features, never an exception: the classifier then has less to go on and says so with a lower confidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from classifier.text import MAX_TEXT_CHARS, split_identifier, words_in, words_of

MAX_PARAMS = 60  # a schema with thousands of properties is read only this far


@dataclass(slots=True)
class Param:
    name: str
    words: tuple[str, ...]
    type: str
    description: str
    enum: tuple[str, ...] = ()
    top: bool = True  # a top-level parameter (not a property of a nested object)


@dataclass(slots=True)
class ToolFeatures:
    name: str
    name_words: tuple[str, ...]
    name_set: frozenset[str]
    description: str  # lower-cased head, for phrase checks
    desc_words: list[str]
    desc_set: frozenset[str]
    lead_words: tuple[str, ...]  # first words of the description ("Deletes a file ...")
    params: list[Param]
    param_names: frozenset[str]  # full lower-cased names: "file_path", "sql"
    param_words: frozenset[str]  # their words: "file", "path", "sql"
    param_desc_words: frozenset[str]
    enum_words: frozenset[str]  # lower-cased enum values of all parameters
    annotations: dict[str, Any]
    server: str = ""
    server_words: frozenset[str] = field(default_factory=frozenset)  # the server's name and description
    sibling_names: tuple[str, ...] = ()
    actions: tuple[str, ...] | None = None  # the name's action verbs, computed once by rules.base.name_actions
    tokens: list[str] | None = None  # the model's tokens, computed once by model_tokens
    # (model, its column lookups for this tool): set by ``engine.features_for`` right after extraction, while the
    # tool's words are still in the processor's cache (a pass over the batch later costs more); see model.row_of.
    # A copy of the features with other words must drop it (``tokens`` likewise).
    model_row: tuple[Any, Any] | None = None

    @property
    def all_words(self) -> frozenset[str]:
        return self.name_set | self.desc_set | self.param_words

    @property
    def has_description(self) -> bool:
        return len(self.desc_words) >= 3


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def schema_of(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """The input schema under either spelling, or None when it is absent or not an object."""
    for key in ("inputSchema", "input_schema", "parameters"):
        value = tool.get(key)
        if isinstance(value, dict):
            return value
    return None


def params_of(schema: Mapping[str, Any] | None) -> list[Param]:
    """Top-level parameters, plus the properties of object or array-of-object parameters one level down."""
    return _read_params(_properties(schema))[0]


def _properties(schema: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A schema's properties map, or None when there is none to read."""
    if not isinstance(schema, dict):
        return None
    props = schema.get("properties")
    if props is None and "type" not in schema and schema and all(isinstance(v, dict) for v in schema.values()):
        props = schema  # a bare properties map, a common authoring slip
    return props if isinstance(props, dict) and props else None


def _read_params(
    props: dict[str, Any] | None,
) -> tuple[list[Param], set[str], set[str], list[str]]:
    """The parameters of a properties map with, gathered in the same pass, their words, their lower-cased enum
    values and their non-empty descriptions (in parameter order)."""
    params: list[Param] = []
    words: set[str] = set()
    enums: set[str] = set()
    descriptions: list[str] = []
    if props is None:
        return params, words, enums, descriptions
    add = params.append
    for name, spec in props.items() if len(props) <= MAX_PARAMS else islice(props.items(), MAX_PARAMS):
        if not isinstance(name, str):
            continue
        if not isinstance(spec, dict):
            spec = {}
        p = _param(name, spec)
        add(p)
        nested = spec.get("properties")
        if not isinstance(nested, dict):
            items = spec.get("items")
            if isinstance(items, dict):
                nested = items.get("properties")
        if isinstance(nested, dict):
            for sub, sub_spec in islice(nested.items(), 20):
                if isinstance(sub, str):
                    add(_param(sub, sub_spec if isinstance(sub_spec, dict) else {}, top=False))
    for p in params:
        words.update(p.words)
        if p.enum:
            enums.update(p.enum)
        if p.description:
            descriptions.append(p.description)
    return params, words, enums, descriptions


def _param(name: str, spec: Mapping[str, Any], top: bool = True) -> Param:
    typ = spec.get("type", "")
    if typ.__class__ is not str:
        typ = next((t for t in typ if isinstance(t, str) and t != "null"), "") if isinstance(typ, list) else ""
    enum = spec.get("enum")
    desc = spec.get("description")
    return Param(
        name.lower(),
        split_identifier(name),
        typ,
        desc[:500].lower() if desc.__class__ is str else "",
        tuple([str(v).lower() for v in enum[:40]]) if enum.__class__ is list else (),
        top,
    )


# Catalogs repeat descriptions (forks, the same server from several sources, shared SDK boilerplate), so the
# words of a description are found once. Bounded: cleared when full, like split_identifier's cache.
CACHE_LIMIT = 20_000
_EMPTY: frozenset[str] = frozenset()
_DESCRIPTIONS: dict[str, tuple[list[str], frozenset[str], tuple[str, ...]]] = {}
_PARAM_DESCRIPTIONS: dict[str, frozenset[str]] = {}


def _description_words(description: str) -> tuple[list[str], frozenset[str], tuple[str, ...]]:
    """The words of a ``clip``ped description, their set and its first four words (shared: callers must not
    mutate)."""
    hit = _DESCRIPTIONS.get(description)
    if hit is None:
        if len(_DESCRIPTIONS) >= CACHE_LIMIT:
            _DESCRIPTIONS.clear()
        words = words_in(description)
        hit = _DESCRIPTIONS[description] = (words, frozenset(words), tuple(words[:4]))
    return hit


PARAM_TEXT_CHARS = 6000  # the parameter descriptions of a schema are read this far, joined by spaces


def _param_desc_words(descriptions: list[str]) -> frozenset[str]:
    """The words of a schema's (lower-cased) parameter descriptions joined by spaces, read up to
    ``PARAM_TEXT_CHARS``.

    Catalogs repeat parameter descriptions far more than whole schemas ("Maximum number of results to
    return"), so the words are found and cached per description: no word spans the joining space, so the
    union of the parts' words is the joined text's words whenever the joined text is within the limit.
    """
    if len(descriptions) == 1 or sum(map(len, descriptions)) + len(descriptions) - 1 > PARAM_TEXT_CHARS:
        return _param_text_words(" ".join(descriptions))
    return frozenset().union(*map(_param_text_words, descriptions))


def _param_text_words(text: str) -> frozenset[str]:
    hit = _PARAM_DESCRIPTIONS.get(text)
    if hit is None:
        if len(_PARAM_DESCRIPTIONS) >= CACHE_LIMIT:
            _PARAM_DESCRIPTIONS.clear()
        hit = _PARAM_DESCRIPTIONS[text] = frozenset(words_in(text, PARAM_TEXT_CHARS))
    return hit


_SERVERS: dict[tuple[str, str | None], frozenset[str]] = {}


def _server_words(server: str, description: str | None) -> frozenset[str]:
    """The words of a server's name and, with a context, its description: the same for all its tools."""
    key = (server, description)
    hit = _SERVERS.get(key)
    if hit is None:
        if len(_SERVERS) >= CACHE_LIMIT:
            _SERVERS.clear()
        hit = frozenset(split_identifier(server)) if server else _EMPTY
        if description is not None:
            hit = hit | frozenset(words_of(description, 1000))
        _SERVERS[key] = hit
    return hit


def sibling_names(context: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The names of a server's tools from its context (the same for every tool of the server)."""
    if not context:
        return ()
    names = context.get("tool_names")
    if isinstance(names, list | tuple):
        return tuple(n for n in names if isinstance(n, str))
    return ()


def extract_features(
    tool: Mapping[str, Any], context: Mapping[str, Any] | None = None, siblings: tuple[str, ...] | None = None
) -> ToolFeatures:
    """Features of one tools/list-shaped dict (``name``, ``description``, ``inputSchema``, ``annotations``).

    ``siblings``: ``sibling_names(context)`` when the caller has it already (a batch computes it once per
    server rather than once per tool).
    """
    get = tool.get
    name = get("name")
    if not name or not isinstance(name, str):
        name = _text(get("tool"))
    name_words = split_identifier(name)
    if not name_words:
        title = get("title")
        if title and isinstance(title, str):
            name_words = split_identifier(title)
    description = get("description")
    description = description[:MAX_TEXT_CHARS].lower() if description and isinstance(description, str) else ""
    desc_words, desc_set, lead_words = _description_words(description)
    params, param_words, enum_words, descriptions = _read_params(_properties(schema_of(tool)))
    annotations = get("annotations")
    server = _text(get("server"))
    server_words = _server_words(server, _text(context.get("description")) if context else None)
    if siblings is None:
        siblings = sibling_names(context)
    return ToolFeatures(
        name,
        name_words,
        frozenset(name_words),
        description,
        desc_words,
        desc_set,
        lead_words,
        params,
        frozenset([p.name for p in params]) if params else _EMPTY,
        frozenset(param_words) if param_words else _EMPTY,
        _param_desc_words(descriptions) if descriptions else _EMPTY,
        frozenset(enum_words) if enum_words else _EMPTY,
        dict(annotations) if isinstance(annotations, dict) else {},
        server,
        server_words,
        siblings,
    )


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "by",
        "from",
        "as",
        "at",
        "is",
        "are",
        "be",
        "this",
        "that",
        "it",
        "its",
        "can",
        "will",
        "use",
        "used",
        "using",
        "when",
        "you",
        "your",
        "if",
        "any",
        "all",
        "into",
        "than",
        "then",
        "which",
        "what",
        "who",
        "how",
        "may",
        "must",
        "should",
        "not",
        "no",
        "only",
        "also",
        "more",
        "most",
        "such",
        "these",
        "those",
        "their",
        "there",
        "was",
        "were",
        "been",
        "has",
        "have",
        "had",
        "do",
        "does",
        "our",
        "we",
        "i",
    ]
)


def model_tokens(f: ToolFeatures) -> list[str]:
    """The learned model's vocabulary for one tool: prefixed words, bigrams and name character n-grams.

    Prefixes keep "delete" in a name apart from "delete" in a description, where it is a weaker signal.
    """
    if f.tokens is None:
        f.tokens = _model_tokens(f)
    return f.tokens


@lru_cache(maxsize=65_536)
def _name_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    """The name's tokens; cached because catalogs repeat names (``list_files``, ``search``) across servers."""
    tokens = ["n:" + w for w in words]
    if words:
        tokens.append("v:" + words[0])
        tokens.append("l:" + words[-1])
        tokens.extend(["nb:" + a + "_" + b for a, b in zip(words, words[1:], strict=False)])
    joined = "_" + "_".join(words) + "_"
    tokens.extend(["c:" + joined[i : i + 4] for i in range(len(joined) - 3)])
    return tuple(tokens)


def _model_tokens(f: ToolFeatures) -> list[str]:
    tokens = list(_name_tokens(f.name_words))
    desc = [w for w in f.desc_words[:80] if w not in STOPWORDS]
    tokens.extend(["d:" + w for w in desc])
    tokens.extend(["db:" + a + "_" + b for a, b in zip(desc[:12], desc[1:12], strict=False)])
    tokens.extend(["lead:" + w for w in f.lead_words[:2]])
    tokens.extend(["p:" + w for w in f.param_words])
    tokens.extend(["pn:" + n for n in f.param_names])
    if not f.has_description:
        tokens.append("meta:no_description")
    if not f.params:
        tokens.append("meta:no_params")
    return tokens


def name_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    """The model tokens a name's words give (shared by ``model_tokens`` and the model's column lookup)."""
    return _name_tokens(words)


def clear_caches() -> None:
    """Forget cached name tokens and description words (benchmarks measure a cold start)."""
    _name_tokens.cache_clear()
    _DESCRIPTIONS.clear()
    _PARAM_DESCRIPTIONS.clear()
    _SERVERS.clear()
