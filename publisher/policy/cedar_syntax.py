"""A parser for Cedar policy text (the grammar of cedarpolicy.com's language reference), used to validate
the generated `policy.cedar` files without a Cedar implementation installed.

It checks structure only (tokens, scope, conditions, expressions, string escapes); it does not type-check
against a schema. Returns the number of policies parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class CedarSyntaxError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|//[^\n]*)
  | (?P<str>"(?:[^"\\]|\\(?:[nrt0'"\\*]|u\{[0-9a-fA-F]{1,6}\}))*")
  | (?P<int>[0-9]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>::|==|!=|<=|>=|&&|\|\||[@(){}\[\],;.<>!+\-*:?])
    """,
    re.VERBOSE,
)

RESERVED = {"true", "false", "if", "then", "else", "in", "like", "has", "is"}
VARIABLES = {"principal", "action", "resource", "context"}


@dataclass
class _Tok:
    kind: str
    text: str
    line: int


def tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise CedarSyntaxError(f"line {line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        if kind != "ws":
            toks.append(_Tok(kind, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    toks.append(_Tok("eof", "", line))
    return toks


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks, self.i = toks, 0

    @property
    def cur(self) -> _Tok:
        return self.toks[self.i]

    def fail(self, what: str) -> CedarSyntaxError:
        return CedarSyntaxError(f"line {self.cur.line}: expected {what}, found {self.cur.text or 'end of file'!r}")

    def accept(self, text: str) -> bool:
        if self.cur.text == text and self.cur.kind in ("op", "ident"):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise self.fail(repr(text))

    def take(self, kind: str) -> str:
        if self.cur.kind != kind:
            raise self.fail(kind)
        self.i += 1
        return self.toks[self.i - 1].text

    # policies ------------------------------------------------------------------------------------------
    def policies(self) -> int:
        count = 0
        while self.cur.kind != "eof":
            self.policy()
            count += 1
        return count

    def policy(self) -> None:
        while self.accept("@"):
            self.take("ident")
            self.expect("(")
            self.take("str")
            self.expect(")")
        if not (self.accept("permit") or self.accept("forbid")):
            raise self.fail("'permit' or 'forbid'")
        self.expect("(")
        self.scope("principal", allow_list=False)
        self.expect(",")
        self.scope("action", allow_list=True)
        self.expect(",")
        self.scope("resource", allow_list=False)
        self.expect(")")
        while self.cur.text in ("when", "unless"):
            self.i += 1
            self.expect("{")
            self.expr()
            self.expect("}")
        self.expect(";")

    def scope(self, var: str, allow_list: bool) -> None:
        self.expect(var)
        if self.accept("=="):
            self.entity()
        elif self.accept("in"):
            if allow_list and self.accept("["):
                self.entity()
                while self.accept(","):
                    self.entity()
                self.expect("]")
            else:
                self.entity()
        elif self.accept("is"):
            self.path()
            if self.accept("in"):
                self.entity()

    def path(self) -> None:
        self.take("ident")
        while self.cur.text == "::" and self.toks[self.i + 1].kind == "ident":
            self.i += 2

    def entity(self) -> None:
        self.path()
        self.expect("::")
        self.take("str")

    # expressions ---------------------------------------------------------------------------------------
    def expr(self) -> None:
        if self.accept("if"):
            self.expr()
            self.expect("then")
            self.expr()
            self.expect("else")
            self.expr()
            return
        self.and_()
        while self.accept("||"):
            self.and_()

    def and_(self) -> None:
        self.relation()
        while self.accept("&&"):
            self.relation()

    def relation(self) -> None:
        self.add()
        if self.cur.text in ("==", "!=", "<", "<=", ">", ">=", "in") and self.cur.kind in ("op", "ident"):
            self.i += 1
            self.add()
        elif self.accept("has"):
            if self.cur.kind not in ("ident", "str"):
                raise self.fail("an attribute name")
            self.i += 1
        elif self.accept("like"):
            self.take("str")
        elif self.accept("is"):
            self.path()
            if self.accept("in"):
                self.add()

    def add(self) -> None:
        self.mult()
        while self.cur.text in ("+", "-") and self.cur.kind == "op":
            self.i += 1
            self.mult()

    def mult(self) -> None:
        self.unary()
        while self.accept("*"):
            self.unary()

    def unary(self) -> None:
        while self.cur.text in ("!", "-") and self.cur.kind == "op":
            self.i += 1
        self.member()

    def member(self) -> None:
        self.primary()
        while True:
            if self.accept("."):
                self.take("ident")
                if self.accept("("):
                    self.args(")")
            elif self.accept("["):
                self.take("str")
                self.expect("]")
            else:
                return

    def args(self, close: str) -> None:
        if self.accept(close):
            return
        self.expr()
        while self.accept(","):
            self.expr()
        self.expect(close)

    def primary(self) -> None:
        tok = self.cur
        if tok.kind in ("int", "str") or tok.text in ("true", "false"):
            self.i += 1
        elif self.accept("("):
            self.expr()
            self.expect(")")
        elif self.accept("["):
            self.args("]")
        elif self.accept("{"):
            if not self.accept("}"):
                self.record_entry()
                while self.accept(","):
                    self.record_entry()
                self.expect("}")
        elif tok.kind == "ident" and tok.text in VARIABLES:
            self.i += 1
        elif tok.kind == "ident" and tok.text not in RESERVED:
            self.path()
            if self.accept("::"):
                self.take("str")
            elif self.accept("("):
                self.args(")")
        else:
            raise self.fail("an expression")

    def record_entry(self) -> None:
        if self.cur.kind not in ("ident", "str"):
            raise self.fail("a record key")
        self.i += 1
        self.expect(":")
        self.expr()


def parse_policies(text: str) -> int:
    """Parse a policy set; raise CedarSyntaxError with the line of the first problem."""
    return _Parser(tokenize(text)).policies()
