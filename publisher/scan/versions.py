"""Which published version a client config means: `npx pkg@latest`, `npx pkg@^1.2.0`, `uvx pkg>=0.6`.

Configs rarely pin an exact version; npx and uvx resolve tags and ranges at start-up, so the scan must read
the version they would run, not fail on "version ^1.2.0 not found". Pure functions over the version list the
registry gives; pre-releases are only chosen when the requirement itself names one (as npm and pip do).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_NPM_EXACT = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_PYPI_EXACT = re.compile(r"^\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$", re.IGNORECASE)
_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
_CLAUSE = re.compile(r"^(\^|~=|~|>=|<=|==|!=|>|<|=)?\s*v?([0-9xX*][0-9A-Za-z.*+-]*)$")

Release = tuple[int, ...]


def kind_of(ecosystem: str, spec: str | None) -> str:
    """exact | latest | tag | range, for a version written after the package name."""
    if not spec or spec.strip() in ("latest", "*", ""):
        return "latest"
    spec = spec.strip()
    if (_NPM_EXACT if ecosystem == "npm" else _PYPI_EXACT).match(spec):
        return "exact"
    if ecosystem == "npm" and _TAG.match(spec):
        return "tag"
    return "range"


def release(version: str) -> tuple[Release, bool]:
    """(numeric release, is a pre-release) of 1.2.3 / v1.2.3-beta.1 / 0.7.0rc1 / 2026.10.19."""
    m = re.match(r"^v?(\d+(?:\.\d+)*)(.*)$", version.strip())
    if not m:
        return (), True
    rest = m.group(2).lower()
    pre = bool(rest) and not rest.startswith(("+", ".post"))
    return tuple(int(p) for p in m.group(1).split(".")), pre


def _pad(r: Release, n: int = 3) -> Release:
    return r + (0,) * (n - len(r)) if len(r) < n else r


def _wild(text: str) -> tuple[Release, int]:
    """`1.2.x` / `1.*` / `1.2` -> (1, 2) and how many parts were given (the rest are wildcards)."""
    parts: list[int] = []
    for p in text.split("."):
        if p in ("x", "X", "*") or not p.isdigit():
            break
        parts.append(int(p))
    return tuple(parts), len(parts)


def _clause(op: str, text: str, ecosystem: str) -> Callable[[Release], bool] | None:
    want, given = _wild(text)
    if given == 0:
        return lambda v: True
    lo = _pad(want)
    if op in ("", "=", "=="):
        if given >= 3 and "*" not in text and "x" not in text.lower():
            return lambda v: _pad(v) == lo
        return lambda v: v[:given] == want
    if op == "^":
        first = next((i for i, p in enumerate(_pad(want)) if p != 0), given - 1)
        keep = min(first, given - 1) + 1
        return lambda v: _pad(v) >= lo and v[:keep] == want[:keep]
    if op == "~":  # npm: ~1.2.3 := >=1.2.3 <1.3.0; ~1 := 1.x
        keep = 2 if given >= 2 else 1
        return lambda v: _pad(v) >= lo and v[:keep] == want[:keep]
    if op == "~=":  # pip: ~=1.4.5 := >=1.4.5, ==1.4.*
        keep = max(given - 1, 1)
        return lambda v: _pad(v) >= lo and v[:keep] == want[:keep]
    cmp: dict[str, Callable[[Release], bool]] = {
        ">=": lambda v: _pad(v) >= lo,
        ">": lambda v: _pad(v) > lo,
        "<=": lambda v: _pad(v) <= lo,
        "<": lambda v: _pad(v) < lo,
        "!=": lambda v: v[:given] != want,
    }
    return cmp.get(op)


def matcher(ecosystem: str, spec: str) -> Callable[[Release], bool] | None:
    """A predicate for an npm range (`^1.2`, `>=1 <2`, `1.x || 2.x`) or a pip specifier (`>=0.6,<1`, `~=1.4`);
    None when the text is not one this understands."""
    alternatives = spec.split("||") if ecosystem == "npm" else [spec]
    tests: list[list[Callable[[Release], bool]]] = []
    for alt in alternatives:
        clauses = alt.replace(",", " ").split() if ecosystem == "pypi" else alt.split()
        clauses = _join_ops(clauses)
        preds = []
        for c in clauses:
            m = _CLAUSE.match(c)
            pred = _clause(m.group(1) or "", m.group(2), ecosystem) if m else None
            if pred is None:
                return None
            preds.append(pred)
        tests.append(preds)
    return lambda v: any(all(p(v) for p in preds) for preds in tests)


def _join_ops(tokens: list[str]) -> list[str]:
    """`>= 1.2` written with a space is one clause."""
    out: list[str] = []
    for t in tokens:
        if out and out[-1] in ("^", "~", "~=", ">=", "<=", "==", "!=", ">", "<", "="):
            out[-1] += t
        else:
            out.append(t)
    return out


def best_match(ecosystem: str, spec: str, versions: Iterable[str]) -> str | None:
    """The highest version satisfying `spec`; pre-releases only when `spec` names one. None: no match or a
    requirement this does not understand."""
    test = matcher(ecosystem, spec)
    if test is None:
        return None
    allow_pre = bool(re.search(r"\d[-.]?(?:a|b|rc|alpha|beta|pre|dev)", spec.lower()))
    ok = []
    for v in versions:
        rel, pre = release(v)
        if rel and (allow_pre or not pre) and test(rel):
            ok.append((rel, not pre, v))
    return max(ok)[2] if ok else None
