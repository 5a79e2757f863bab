"""Recognising secrets by name and keeping their values out of anything we store or print.

Live introspection must not hand inherited credentials to third-party code, and client configurations
hold API keys in ``env`` / ``headers`` and sometimes in command-line arguments (``--api-key sk-...``,
``docker run -e TOKEN=...``). Both need the same judgement of what "looks secret", so it lives here.
"""

from __future__ import annotations

import re

# Names of variables or headers that carry credentials. Matched case-insensitively on the whole name.
_SECRET_NAME = re.compile(
    r"""(
        (^|[_\-.])(KEY|APIKEY|API_KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH|AUTHORIZATION
                   |COOKIE|SESSION|PRIVATE|PAT|DSN|CONN(ECTION)?_?STRING|SIGNING|CERT)([_\-.]|$)
        |^AWS_ |^GOOGLE_APPLICATION_CREDENTIALS$ |^DATABASE_URL$ |^REDIS_URL$ |^MONGO(DB)?_URI$
        |^POSTGRES(QL)?_URL$ |_DSN$ |_URI_WITH_PASSWORD$
        |APIKEY$ |TOKEN$ |SECRET$ |PASSWORD$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

REDACTED = "<redacted>"

# Option names whose following argument is a credential (`--api-key VALUE`, `--token=VALUE`).
_SECRET_FLAG = re.compile(r"^--?[\w.-]*(key|token|secret|password|passwd|pwd|auth|credential|cookie)[\w.-]*$", re.I)
# Flags whose value is a NAME=VALUE assignment (docker -e / --env, many CLIs' --env).
_ASSIGN_FLAGS = {"-e", "--env", "--build-arg", "--set-env"}
# A bare value that is almost certainly a credential even without a telling flag.
_TOKEN_SHAPES = re.compile(
    r"^(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|xox[abposr]-[\w-]{10,}"
    r"|AKIA[0-9A-Z]{16}|eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]+|glpat-[\w-]{20,}|npm_[A-Za-z0-9]{30,})$"
)
_URL_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)([^/@\s]+)@", re.I)


def looks_secret(name: str) -> bool:
    """True when a variable or header name suggests its value is a credential."""
    return bool(_SECRET_NAME.search(name.strip()))


def redact_url(url: str) -> str:
    """Drop ``user:password@`` from a URL and blank query values that look secret (``?api_key=...``)."""
    url = _URL_USERINFO.sub(lambda m: m.group(1) + REDACTED + "@", url)
    if "?" not in url:
        return url
    base, _, query = url.partition("?")
    parts = []
    for item in query.split("&"):
        key, eq, value = item.partition("=")
        parts.append(
            f"{key}={REDACTED}" if eq and value and (looks_secret(key) or _TOKEN_SHAPES.match(value)) else item
        )
    return base + "?" + "&".join(parts)


def redact_args(args: list[str]) -> list[str]:
    """The arguments with credential values replaced: what may be stored and printed.

    Covers ``--api-key VALUE``, ``--token=VALUE``, ``-e NAME=VALUE`` / ``--env NAME=VALUE`` (values are
    dropped for every name, since a client config would put the value in ``env`` if it were harmless),
    bare ``NAME=VALUE`` words with a secret-looking name, token-shaped words and URLs with credentials.
    """
    out: list[str] = []
    redact_next = False
    assign_next = False
    for arg in args:
        if redact_next:
            out.append(REDACTED)
            redact_next = False
            continue
        if assign_next:
            out.append(_redact_assignment(arg, always=True))
            assign_next = False
            continue
        if arg in _ASSIGN_FLAGS:
            out.append(arg)
            assign_next = True
            continue
        flag, eq, value = arg.partition("=")
        if flag.startswith("-") and _SECRET_FLAG.match(flag):
            if eq:
                out.append(f"{flag}={REDACTED}")
            else:
                out.append(arg)
                redact_next = True
            continue
        if flag.startswith("-") and eq and flag in _ASSIGN_FLAGS:
            out.append(f"{flag}={_redact_assignment(value, always=True)}")
            continue
        if _TOKEN_SHAPES.match(arg):
            out.append(REDACTED)
            continue
        if "://" in arg:
            out.append(redact_url(arg))
            continue
        out.append(_redact_assignment(arg, always=False) if eq and not flag.startswith("-") else arg)
    return out


def _redact_assignment(word: str, *, always: bool) -> str:
    name, eq, value = word.partition("=")
    if not eq:
        return word  # `-e NAME` passes the caller's variable through: the name alone is no secret
    if always or looks_secret(name) or _TOKEN_SHAPES.match(value):
        return f"{name}={REDACTED}"
    return word
