"""Rules and model combined into one decision per tool, with its evidence and rationale.

One source of truth per decision:
- **category**: the rules when a strong signal fires (the tool's own verb, a code parameter, a money
  action...), combined by the rubric's precedence (``pick_category``); otherwise the learned model, nudged by
  weak rule signals and declared annotations.
- **capabilities**: a rule family names it, or the learned capability model's probability reaches that
  capability's threshold (chosen by cross-validation on the training data). Each flag's evidence names the
  rule and its words, or ``capability_model`` with the words that pushed the model and its probability.
- **risk** and **inferred hints**: always derived from the two above by ``catalog.taxonomy``, never guessed.

Confidence is calibrated: for a model decision it is the temperature-scaled probability; for a rule decision
it is how often that rule's decisions were right on the labelled training examples (stored with the model),
lower when the tool has no description. The model scores only the tools no strong rule decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from catalog.gc_pause import paused_gc
from catalog.taxonomy import CATEGORY_PRECEDENCE, Capability, Category, inferred_hints, pick_category, risk_for
from classifier.capability_model import RULE_ID as CAPABILITY_RULE
from classifier.features import ToolFeatures, extract_features, model_tokens, sibling_names
from classifier.hints import hint_mismatches
from classifier.model import CategoryModel, load_model
from classifier.rules import Signal, run_rules

CATEGORIES = {c.value for c in Category}
CAPABILITIES = {c.value for c in Capability}
WEAK_BONUS = 0.25
SEVERE_MODEL_THRESHOLD = 0.6
ANNOTATION_BONUS = 0.2
DEFAULT_RULE_ACCURACY = 0.9  # a rule never seen deciding a training example


@lru_cache(maxsize=64)
def _pick(categories: frozenset[str]) -> str:
    return pick_category(categories).value


@lru_cache(maxsize=1024)
def _risk_and_hints(category: str, caps: tuple[str, ...]) -> tuple[str, tuple[tuple[str, bool | None], ...]]:
    """The rubric's risk and inferred hints for a category and capabilities (few distinct pairs occur)."""
    return risk_for(category, caps).value, tuple(inferred_hints(category, caps).items())


@lru_cache(maxsize=1024)
def _verdict(category: str, caps: tuple[str, ...]) -> tuple[str, dict[str, bool | None], str, str]:
    """What depends only on the category and capabilities, built once per distinct pair: the risk, the
    inferred hints (callers copy the dict), and the rationale's opening ("Read with private_data because ")
    and its tail after the reason ("; what it reads makes it Medium.")."""
    risk, hint_items = _risk_and_hints(category, caps)
    opening = f"{category} with {', '.join(caps)} because " if caps else f"{category} because "
    return risk, dict(hint_items), opening, f"; {_risk_reason(category, risk, list(caps))}."


_CODE_EXECUTION = Capability.CODE_EXECUTION.value
_CODE_TURNS_EXECUTE = (Category.READ.value, Category.WRITE.value)  # caller-written code makes these Execute
_EXECUTE = Category.EXECUTE.value
_READ = Category.READ.value
_PRECEDENCE = tuple(c.value for c in CATEGORY_PRECEDENCE)
_NO_DESCRIPTION = "no action words were recognised, so it is treated as reading"


def _annotation_signals(f: ToolFeatures) -> list[Signal]:
    out: list[Signal] = []
    if f.annotations.get("destructiveHint") is True and f.annotations.get("readOnlyHint") is not True:
        out.append(Signal("annotation.destructiveHint", "Destructive", "destructiveHint: true", strong=False))
    if f.annotations.get("readOnlyHint") is True:
        out.append(Signal("annotation.readOnlyHint", "Read", "readOnlyHint: true", strong=False))
    return out


def decide(
    f: ToolFeatures,
    signals: list[Signal],
    proba: Sequence[float] | None,
    model: CategoryModel | None,
    model_caps: Mapping[str, float] | None = None,
) -> dict:
    """The classification of one tool from its features, rule signals and model probabilities.

    ``model_caps`` are the capabilities the capability model asserts (with their probabilities); a
    capability is present when a rule names it or the model does.

    Written for a batch of millions: one pass over the signals, the pieces that depend only on the category
    and capabilities cached (``_verdict``), and the rationale's reason taken from the deciding signals
    directly rather than searched for in the evidence (``rationale`` states the same rule for any caller).
    """
    strong: list[Signal] = []
    weak: list[Signal] = []
    cap_signals: list[Signal] = []
    for s in signals:
        if s.supports in CATEGORIES:
            (strong if s.strong else weak).append(s)
        else:
            cap_signals.append(s)
    if cap_signals:
        cap_set = {s.supports for s in cap_signals}
        learned = {c: p for c, p in model_caps.items() if c not in cap_set} if model_caps else {}
        cap_set.update(learned)
        caps = sorted(cap_set)
    elif model_caps:
        learned = dict(model_caps)
        caps = sorted(learned)
    else:
        learned = {}
        caps = []
    model_probs: dict[str, float] = {}
    if proba is not None and model is not None:
        model_probs = dict(zip(model.classes, proba, strict=True))
    model_top = max(model_probs, key=model_probs.__getitem__) if model_probs else None

    if strong:
        if len(strong) == 1:
            deciding = strong
            category = strong[0].supports
        else:
            category = _pick(frozenset(s.supports for s in strong))
            deciding = [s for s in strong if s.supports == category]
        source = "rule"
        accuracy = model.rule_accuracy if model else {}
        if len(deciding) == 1:
            confidence = accuracy.get(deciding[0].rule, DEFAULT_RULE_ACCURACY)
        else:
            confidence = max(accuracy.get(s.rule, DEFAULT_RULE_ACCURACY) for s in deciding)
        if model_top is not None and model_top != category:
            confidence -= 0.1
    else:
        annotations = _annotation_signals(f) if f.annotations else []
        if model_probs:
            scores = dict(model_probs)
            for s in weak + annotations:
                scores[s.supports] = scores.get(s.supports, 0.0) + (WEAK_BONUS if s in weak else ANNOTATION_BONUS)
            for severe in ("Financial", "Destructive"):
                # Without a rule behind it, a Critical category needs the model to be sure.
                if scores.get(severe, 0.0) < SEVERE_MODEL_THRESHOLD and max(scores, key=scores.__getitem__) == severe:
                    scores[severe] = 0.0
            category = max(_PRECEDENCE, key=lambda c: (scores.get(c, 0.0), -_PRECEDENCE.index(c)))
            source = "model"
            confidence = min(model_probs.get(category, 0.0) + (0.1 if category != model_top else 0.0), 0.99)
        else:
            fallback = weak + annotations
            category = _pick(frozenset(s.supports for s in fallback)) if fallback else _READ
            source = "rule"
            confidence = 0.5 if fallback else 0.4
        deciding = [s for s in weak + annotations if s.supports == category]
    if category in _CODE_TURNS_EXECUTE and _CODE_EXECUTION in caps:
        category = _EXECUTE  # the rubric: caller-written code or queries are Execute
        supporting: list[Signal] = []  # the deciding signals supported the category before it changed
    else:
        supporting = deciding
    if not f.has_description:
        confidence *= 0.8 if f.params else 0.65

    evidence: list[dict[str, Any]] = []
    why: Signal | None = None  # the signal the rationale names: the first not from the generic verb rule
    for s in deciding:
        if s.rule.startswith("annotation."):
            evidence.append({"source": "annotation", "rule": s.rule, "signal": s.signal, "supports": s.supports})
        else:
            evidence.append({"source": "rule", "rule": s.rule, "signal": s.signal, "supports": s.supports})
    for s in supporting:
        if not s.rule.startswith("actions."):
            why = s
            break
    model_signal = ""
    if source == "model" and model is not None:
        words = model.top_features(f, category)
        model_signal = f"{','.join(words) or '(no known words)'} (p={model_probs.get(category, 0.0):.2f})"
        evidence.append(
            {"source": "model", "rule": f"model.{model.version}", "signal": model_signal, "supports": category}
        )
    if len(cap_signals) == 1:
        s = cap_signals[0]
        if s.supports in CAPABILITIES:
            evidence.append({"source": "rule", "rule": s.rule, "signal": s.signal, "supports": s.supports})
    elif cap_signals:
        seen: set[tuple[str, str]] = set()
        for s in cap_signals:
            if s.supports in CAPABILITIES and (s.rule, s.supports) not in seen:
                seen.add((s.rule, s.supports))
                evidence.append({"source": "rule", "rule": s.rule, "signal": s.signal, "supports": s.supports})
    if learned and model is not None and model.capability is not None:
        for cap, p in sorted(learned.items()):
            words = model.capability.top_words(model_tokens(f), model.vocabulary, model.idf_list, cap)
            signal = f"{','.join(words) or '(no known words)'} (p={p:.2f})"
            evidence.append({"source": "model", "rule": CAPABILITY_RULE, "signal": signal, "supports": cap})

    risk, hints, opening, tail = _verdict(category, tuple(caps))
    if why is not None:
        if why.rule.startswith("annotation."):
            because = f"the server declares {why.signal} and nothing contradicts it"
        else:
            because = f"rule {why.rule} matched '{why.signal}'"
    elif model_signal:
        because = f"the learned model read it from the words {model_signal}"
    elif supporting:
        because = f"rule {supporting[0].rule} matched '{supporting[0].signal}'"  # the generic verb rule
    else:
        because = _NO_DESCRIPTION
    return {
        "name": f.name,
        "category": category,
        "risk": risk,
        "capabilities": caps,
        "confidence": round(max(0.05, min(confidence, 0.99)), 3),
        "evidence": evidence,
        "rationale": opening + because + tail,
        "inferred_hints": hints.copy(),
        "hint_mismatches": hint_mismatches(f.annotations, hints, category) if f.annotations else [],
    }


def _risk_reason(category: str, risk: str, caps: list[str]) -> str:
    """Which row of the rubric's risk table applies, in words (the table itself lives in catalog.taxonomy)."""
    if risk == "Critical":
        if category in ("Financial", "Destructive"):
            return f"every {category} tool is Critical"
        first = next(c for c in ("code_execution", "permissions", "secrets") if c in caps)
        return f"{first} makes it Critical"
    if risk == "High":
        if category == "Execute":
            return "Execute tools are High"
        first = next((c for c in ("sends_communication", "secrets", "infrastructure") if c in caps), "")
        return f"{first} makes it High" if first else "High by the risk table"
    if risk == "Medium":
        return "Write tools are Medium" if category == "Write" else "what it reads makes it Medium"
    return "it only reads, with nothing sensitive found"


def rationale(category: str, risk: str, caps: list[str], evidence: list[dict[str, Any]]) -> str:
    """One sentence a reviewer can read: the category, why, and what sets the risk.

    ``decide`` builds the same sentence from its deciding signals without searching the evidence.
    """
    supporting = [e for e in evidence if e["supports"] == category]
    why = next((e for e in supporting if not e["rule"].startswith("actions.")), supporting[0] if supporting else None)
    if why is None:
        because = _NO_DESCRIPTION
    elif why["source"] == "model":
        because = f"the learned model read it from the words {why['signal']}"
    elif why["source"] == "annotation":
        because = f"the server declares {why['signal']} and nothing contradicts it"
    else:
        because = f"rule {why['rule']} matched '{why['signal']}'"
    cap_text = f" with {', '.join(caps)}" if caps else ""
    return f"{category}{cap_text} because {because}; {_risk_reason(category, risk, caps)}."


def model_inputs(
    features: list[ToolFeatures], signals: list[list[Signal]], model: CategoryModel
) -> tuple[list[list[float] | None], list[dict[str, float]] | list[None]]:
    """Per tool, the category model's probabilities (only where no strong rule decides the category, else
    None) and the capability model's decisions (None per tool when no capability model is active): the model
    half of ``decide``'s inputs, which ``classify_features`` and the rules benchmark both need."""
    # The category model is the decision only where no strong rule fires; only those tools are scored.
    # (a list comprehension and one set test per tool: cheaper than ``any`` over a generator)
    undecided = [i for i, s in enumerate(signals) if CATEGORIES.isdisjoint([x.supports for x in s if x.strong])]
    rows: list[list[float] | None] = [None] * len(features)
    caps: list[dict[str, float]] | list[None] = [None] * len(features)
    capability = model.capability if model.capability is not None and model.capability.active else None
    if capability is not None:  # capabilities are decided for every tool: one matrix serves both models
        matrix = model.matrix(features)
        caps = capability.decisions(capability.predict_proba(matrix))
        proba = model.proba_of(matrix[undecided]).tolist() if undecided else []
    elif undecided:
        proba = model.predict_proba([features[i] for i in undecided]).tolist()
    for i, row in zip(undecided, proba if undecided else [], strict=True):
        rows[i] = row
    return rows, caps


def classify_features(
    features: list[ToolFeatures], model: CategoryModel | None = None, *, use_model: bool = True
) -> list[dict]:
    """Classify a batch of prepared features (the model scores the whole batch in one matrix product)."""
    model = model if model is not None else (load_model() if use_model else None)
    with paused_gc():
        signals = [run_rules(f) for f in features]
        if model is None:
            return [decide(f, s, None, None) for f, s in zip(features, signals, strict=True)]
        rows, caps = model_inputs(features, signals, model)
        return [decide(f, s, row, model, c) for f, s, row, c in zip(features, signals, rows, caps, strict=True)]


def features_for(
    tools: Sequence[Mapping[str, Any]],
    server_context: Mapping[str, Mapping] | None,
    model: CategoryModel | None = None,
) -> list[ToolFeatures]:
    """The features of a batch of tools, each with its column lookups for ``model`` (default: the shipped
    model) looked up at once, so ``classify_features`` with that model does not read every tool again."""
    out = []
    add = out.append
    model = model if model is not None else load_model()
    row = model.row_of if model is not None else None
    siblings: dict[str, tuple[str, ...]] = {}  # per server: its context's tool names, read once per batch
    for tool in tools:
        if tool.__class__ is not dict and not isinstance(tool, Mapping):
            tool = {"name": str(tool)}
        context = None
        names: tuple[str, ...] | None = None
        if server_context:
            server = tool.get("server")
            context = server_context.get(server) if isinstance(server, str) else None
            if context is not None:
                names = siblings.get(server)  # type: ignore[arg-type]
                if names is None:
                    names = siblings[server] = sibling_names(context)  # type: ignore[index]
        f = extract_features(tool, context, names)
        if row is not None:
            f.model_row = (model, row(f))
        add(f)
    return out
