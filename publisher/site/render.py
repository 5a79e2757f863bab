"""The jinja2 environment: autoescaping on for every template, one per process."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from pathlib import Path

from collections.abc import Callable, MutableMapping
from types import CodeType
from typing import Any

from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup, escape

try:  # the function markupsafe.escape itself uses (C when built, else its pure-Python twin)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - a markupsafe without its C extension
    from markupsafe._native import _escape_inner

_CODE = re.compile(r"`([^`]+)`")
STATIC_FILES = ("site.css", "site.js", "search.js", "favicon.svg")


# Risk badges are the most repeated markup of the site: built once, with text (not colour alone).
class _Badges(dict[str, Markup]):
    def __missing__(self, level: str) -> Markup:
        return _badge(str(level))


def _badge(level: str) -> Markup:
    css = "".join(c for c in level.lower() if c.isalnum()) or "unclassified"
    return Markup('<span class="badge risk-{}"><span class="dot" aria-hidden="true"></span>{}</span>').format(
        css, level
    )


BADGES = _Badges({level: _badge(level) for level in ("Low", "Medium", "High", "Critical", "Unclassified")})


def codeify(text: str) -> Markup:
    """Escape a generated sentence, then turn `backticks` into <code> (the content stays escaped)."""
    return Markup(_CODE.sub(r"<code>\1</code>", str(escape(text))))


def output_escape(value: Any) -> str:
    """The autoescape of a template's `{{ output }}`: the same text as `markupsafe.escape`, as a plain str.

    Compiled templates call `escape` for every output expression (about 150 per tool page) and only join
    the results; markupsafe's version wraps each in a new `Markup` (a Python-level `__new__` with a
    `hasattr`), which was a third of the render time of a tool page.
    """
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        safe = html()
        return safe if isinstance(safe, str) else str(safe)  # a Markup as it is: no copy of a whole page
    return _escape_inner(str(value))


class _SiteTemplate(Template):
    """A template whose compiled module escapes output with `output_escape`.

    The generated code looks `escape` up in its module namespace at call time, and only output nodes call
    it (filters such as `|e` and macros' `Markup(...)` wrappers use their own functions), so rebinding the
    name after the module ran changes nothing but the speed.
    """

    @classmethod
    def from_code(
        cls,
        environment: Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        namespace: dict[str, Any] = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)
        namespace["escape"] = output_escape
        template = cls._from_namespace(environment, namespace, globals)
        template._uptodate = uptodate
        return template


class _SiteEnvironment(Environment):
    """Page contexts are plain dicts: look keys up first (jinja2 tries attributes first, which for a dict
    always fails with an exception; over 100k pages that costs a quarter of the render time)."""

    def getattr(self, obj: object, attribute: str) -> object:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_SiteEnvironment.template_class = _SiteTemplate


@cache
def environment() -> Environment:
    env = _SiteEnvironment(
        loader=PackageLoader("publisher.site", "templates"),
        autoescape=True,  # the templates end in .j2, so select_autoescape would not apply
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat per get_template
    )
    env.filters["codeify"] = codeify
    env.globals["assets"] = asset_versions()
    env.globals["badges"] = BADGES
    return env


def static_dir() -> Path:
    return Path(str(resources.files("publisher.site") / "static"))


@cache
def asset_versions() -> dict[str, str]:
    """Short content hashes appended to asset URLs so browsers never keep a stale stylesheet or script."""
    return {
        name: hashlib.blake2b((static_dir() / name).read_bytes(), digest_size=4).hexdigest() for name in STATIC_FILES
    }


# Modules that do not shape the output: editing them must not force a full re-render.
NOT_OUTPUT = frozenset({"bench.py", "serve.py"})


@cache
def code_salt() -> str:
    """A hash of the templates, assets and this package's code: any change re-renders every page."""
    package = Path(str(resources.files("publisher.site")))
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".css", ".js", ".svg") and "__pycache__" not in path.parts:
            if path.name in NOT_OUTPUT:
                continue
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()
