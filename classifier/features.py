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
from typing import Any

from classifier.text import clip, split_identifier, words_of

MAX_PARAMS = 60  # a schema with thousands of properties is read only this far


@dataclass(frozen=True, slots=True)
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
    enum_words: frozenset[str]
    annotations: dict[str, Any]
    server: str = ""
    server_words: frozenset[str] = field(default_factory=frozenset)
    sibling_names: tuple[str, ...] = ()

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
    if not isinstance(schema, Mapping):
        return []
    props = schema.get("properties")
    if props is None and "type" not in schema and schema and all(isinstance(v, Mapping) for v in schema.values()):
        props = schema  # a bare properties map, a common authoring slip
    if not isinstance(props, Mapping):
        return []
    out: list[Param] = []
    for name, spec in list(props.items())[:MAX_PARAMS]:
        if not isinstance(name, str):
            continue
        spec = spec if isinstance(spec, Mapping) else {}
        out.append(_param(name, spec))
        nested = spec.get("properties")
        items = spec.get("items")
        if not isinstance(nested, Mapping) and isinstance(items, Mapping):
            nested = items.get("properties")
        if isinstance(nested, Mapping):
            for sub, sub_spec in list(nested.items())[:20]:
                if isinstance(sub, str):
                    out.append(_param(sub, sub_spec if isinstance(sub_spec, Mapping) else {}, top=False))
    return out


def _param(name: str, spec: Mapping[str, Any], top: bool = True) -> Param:
    typ = spec.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if isinstance(t, str) and t != "null"), "")
    enum = spec.get("enum")
    enum_values = tuple(str(v).lower() for v in enum[:40]) if isinstance(enum, list) else ()
    return Param(
        name=name.lower(),
        words=split_identifier(name),
        type=typ if isinstance(typ, str) else "",
        description=clip(_text(spec.get("description")), 500),
        enum=enum_values,
        top=top,
    )


def extract_features(tool: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> ToolFeatures:
    """Features of one tools/list-shaped dict (``name``, ``description``, ``inputSchema``, ``annotations``)."""
    name = _text(tool.get("name")) or _text(tool.get("tool"))
    title = _text(tool.get("title"))
    name_words = split_identifier(name)
    if not name_words and title:
        name_words = split_identifier(title)
    description = clip(_text(tool.get("description")))
    desc_words = words_of(description)
    params = params_of(schema_of(tool))
    param_words: set[str] = set()
    param_desc: set[str] = set()
    enum_words: set[str] = set()
    for p in params:
        param_words.update(p.words)
        if p.description:
            param_desc.update(words_of(p.description, 500))
        for value in p.enum:
            enum_words.update(split_identifier(value))
    annotations = tool.get("annotations")
    server_words: frozenset[str] = frozenset()
    siblings: tuple[str, ...] = ()
    if context:
        server_words = frozenset(words_of(_text(context.get("description")), 1000))
        names = context.get("tool_names")
        if isinstance(names, list | tuple):
            siblings = tuple(n for n in names if isinstance(n, str))
    return ToolFeatures(
        name=name,
        name_words=name_words,
        name_set=frozenset(name_words),
        description=description,
        desc_words=desc_words,
        desc_set=frozenset(desc_words),
        lead_words=tuple(desc_words[:4]),
        params=params,
        param_names=frozenset(p.name for p in params),
        param_words=frozenset(param_words),
        param_desc_words=frozenset(param_desc),
        enum_words=frozenset(enum_words),
        annotations=dict(annotations) if isinstance(annotations, Mapping) else {},
        server=_text(tool.get("server")),
        server_words=server_words,
        sibling_names=siblings,
    )


def model_tokens(f: ToolFeatures) -> list[str]:
    """The learned model's vocabulary for one tool: prefixed words, bigrams and name character n-grams.

    Prefixes keep "delete" in a name apart from "delete" in a description, where it is a weaker signal.
    """
    tokens = [f"n:{w}" for w in f.name_words]
    if f.name_words:
        tokens.append(f"v:{f.name_words[0]}")
        tokens.append(f"l:{f.name_words[-1]}")
    tokens.extend(f"nb:{a}_{b}" for a, b in zip(f.name_words, f.name_words[1:], strict=False))
    joined = "_" + "_".join(f.name_words) + "_"
    tokens.extend(f"c:{joined[i : i + 4]}" for i in range(max(0, len(joined) - 3)))
    desc = f.desc_words[:120]
    tokens.extend(f"d:{w}" for w in desc)
    tokens.extend(f"db:{a}_{b}" for a, b in zip(desc[:40], desc[1:40], strict=False))
    tokens.extend(f"lead:{w}" for w in f.lead_words[:2])
    tokens.extend(f"p:{w}" for w in f.param_words)
    tokens.extend(f"pn:{n}" for n in f.param_names)
    tokens.extend(f"pt:{p.type}" for p in f.params if p.type)
    tokens.extend(f"pd:{w}" for w in f.param_desc_words)
    if not f.has_description:
        tokens.append("meta:no_description")
    if not f.params:
        tokens.append("meta:no_params")
    return tokens
