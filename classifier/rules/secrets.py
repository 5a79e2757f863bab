"""secrets: tools that read, create or change credentials (tokens, API keys, passwords, secrets).

A credential passed in only to authenticate the call (an ``api_key`` parameter) does not count: the tool's
subject must be the credential itself, named in the tool's name.
"""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import Signal
from classifier.text import plain

SECRET_WORDS = plain(
    "secret secrets password passwords passwd credential credentials apikey apikeys passphrase keychain "
    "keystore mnemonic seed privatekey"
)
KEY_QUALIFIERS = plain("api access ssh private signing secret deploy gpg pgp encryption auth personal service")
TOKEN_QUALIFIERS = plain("access auth api personal bearer refresh oauth jwt session pat bot")
KEY_WORDS = plain("key keys token tokens")


def detect(f: ToolFeatures) -> list[Signal]:
    words = f.name_set
    if words & plain("login signin authenticate") and words & plain("create account register") | {"login"}:
        return [Signal("secrets.login", "secrets", ",".join(sorted(words & plain("login signin authenticate"))))]
    hit = words & SECRET_WORDS
    if (
        not hit
        and "vault" in words
        and (f.desc_set | f.server_words) & plain("secret secrets hashicorp kv credentials")
    ):
        hit = {"vault"}
    if not hit and words & KEY_WORDS and words & plain("revoke rotate regenerate refresh reveal issue"):
        hit = words & (KEY_WORDS | plain("revoke rotate regenerate refresh reveal issue"))
    if not hit and words & KEY_WORDS:
        qualifiers = words & (KEY_QUALIFIERS | TOKEN_QUALIFIERS)
        if qualifiers:
            hit = (words & KEY_WORDS) | qualifiers
    if not hit:
        return []
    if words & plain("strength generate random validate check hash") and not words & plain("secret secrets vault"):
        return []  # a password generator or strength checker handles no stored credential
    return [Signal("secrets.credential_subject", "secrets", ",".join(sorted(hit)))]
