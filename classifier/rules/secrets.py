"""secrets: tools that read, create or change credentials (tokens, API keys, passwords, secrets).

A credential passed in only to authenticate the call (an ``api_key`` parameter) does not count: the tool's
subject must be the credential itself, named in the tool's name.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import Signal, literal_gate
from classifier.text import plain

SECRET_WORDS = plain(
    "secret secrets password passwords passwd credential credentials apikey apikeys passphrase keychain "
    "keystore mnemonic seed privatekey"
)
KEY_QUALIFIERS = plain("api access ssh private signing secret deploy gpg pgp encryption auth personal service")
TOKEN_QUALIFIERS = plain("access auth api personal bearer refresh oauth jwt session pat bot")
KEY_WORDS = plain("key keys token tokens")


KEY_MATERIAL_TRIGGERS = plain("private mnemonic seed secret keypair")
KEY_MATERIAL = re.compile(r"private keys?|mnemonic|seed phrase|secret keys?|keypair|私钥")


# Certificates are credentials; a tool that issues, revokes or changes one changes who can authenticate.
CERTIFICATES = plain("certificate certificates cert certs")
CERT_READS = plain("get list describe show view search find read fetch count")
# "Mints a scoped access token": the tool creates a credential whatever its name says.
MINTS = re.compile(
    r"\b(?:mints?|issues?|generates?|creates?) (?:a |an |new |the )?(?:[\w-]+ ){0,2}(?:access |api |auth )tokens?\b"
)
MINT_TRIGGERS = plain("mint mints issue issues generate generates create creates")
MINTS_GATE = literal_gate(MINTS)
CREATES = plain("generate create issue mint new")


# A password manager's items are credentials: reading one reveals it, writing one changes it. Listing or
# searching returns titles only (the managers' own tools say so), so those verbs are left alone.
PASSWORD_MANAGERS = plain(
    "1password onepassword bitwarden vaultwarden lastpass keepass keepassxc keeper dashlane passbolt protonpass"
)
MANAGER_ITEMS = plain("item items login logins entry entries field fields note notes card cards cipher ciphers")
TITLE_ONLY_VERBS = plain("list search lookup find count")
# Environment variables of a project or a deployment hold its API keys and connection strings.
ENV_NAMES = plain("env envs environment")
ENV_OBJECTS = plain("var vars variable variables")
# "Create an agent and get its API key": the new credential is handed back.
RETURNS_KEY = re.compile(
    r"(?:get|gets|return|returns|receive|receives|with) (?:its|their|an?|the|new|your) (?:new )?"
    r"(?:api[ _-]?key|access token|client secret|secret key)s?\b"
)
RETURNS_KEY_TRIGGERS = plain("key token secret")
# "Secret keys are never exported", "no private key material is returned", "the private key stays in the agent":
# the text says the key material is what the tool does not hand out.
KEY_MATERIAL_DENIED = re.compile(
    r"(?:never|not|no|without)\b[^.]{0,40}(?:private|secret) keys?|(?:private|secret) keys? (?:are|is) (?:never|not|"
    r"rejected)|(?:private|secret) keys?(?: material)? stays?|(?:are|is) never exported"
)
# Reading or exporting a public key hands out nothing secret (it is made to be shared).
PUBLIC_KEY_READS = plain("get list export show view read fetch describe")


EXTRA_GATE = MANAGER_ITEMS | ENV_NAMES | ENV_OBJECTS | CREATES | {"envvars"}


def _extra(f: ToolFeatures) -> list[Signal]:
    """Credential subjects the name alone does not give: a manager's items, env vars, a key handed back."""
    words = f.name_set
    if words.isdisjoint(EXTRA_GATE):
        return []  # none of the branches below can fire
    manager = (f.server_words | f.desc_set) & PASSWORD_MANAGERS
    if manager and words & MANAGER_ITEMS and not words & TITLE_ONLY_VERBS:
        return [Signal("secrets.password_manager_item", "secrets", ",".join(sorted(manager | (words & MANAGER_ITEMS))))]
    if (words & ENV_NAMES and words & ENV_OBJECTS) or "envvars" in words:
        return [Signal("secrets.environment_variables", "secrets", ",".join(sorted(words & (ENV_NAMES | ENV_OBJECTS))))]
    if f.description and words & CREATES and not f.desc_set.isdisjoint(RETURNS_KEY_TRIGGERS):
        handed = RETURNS_KEY.search(f.description)
        if handed:
            return [Signal("secrets.returns_new_key", "secrets", handed.group(0))]
    return []


def detect(f: ToolFeatures) -> list[Signal]:
    found = _detect(f) or _extra(f)
    if found and f.name_words and f.name_words[0] in CREATES | {"generate"} and found[0].rule != "secrets.login":
        # "generate_agent_key": making a credential is a Write, whatever "generate" means elsewhere.
        found.append(Signal("secrets.creates_credential", "Write", f"{f.name_words[0]},{found[0].signal}"))
    return found


LOGINS = plain("login signin authenticate")
# "generate_system_user_token", "exchange_code_for_token", "create_token": the tool makes a new access token
# (OAuth code exchange, a system user's token). Not a crypto token launched on a chain ("create_token" with a
# supply and decimals), not a random-string generator, and not counting or splitting text into tokens.
TOKEN_MAKERS = plain("generate create issue mint exchange")
TOKEN_NAMES = plain("token tokens")
CHAIN_TOKENS = plain(
    """erc20 erc721 spl blockchain chain onchain wallet contract supply decimals symbol ticker solana ethereum evm
    nft coin coins swap liquidity"""
)
NOT_CREDENTIAL_TOKENS = plain("random count tokenize llm prompt text design figma")
# "configure_gemini_token(apiKey)", "set_api_key(key)": the tool stores the credential it is given for later calls.
STORES_CREDENTIAL = plain("configure set save store update add")
CREDENTIAL_PARAMS = plain("apikey api_key token access_token api_token secret_key auth_token")
# Every branch of ``_detect`` needs one of these name words, or a key-material or minting word in the
# description; a new branch adds its trigger words here.
GATE_NAME_WORDS = LOGINS | CERTIFICATES | SECRET_WORDS | KEY_WORDS | {"vault"}
GATE_DESC_WORDS = MINT_TRIGGERS  # (the key-material words are ``triggered``'s)


def _detect(f: ToolFeatures) -> list[Signal]:
    words = f.name_set
    triggered = not f.desc_set.isdisjoint(KEY_MATERIAL_TRIGGERS) or "私钥" in f.description
    if not triggered and words.isdisjoint(GATE_NAME_WORDS) and f.desc_set.isdisjoint(GATE_DESC_WORDS):
        return []  # most tools: no branch below can fire
    if f.description and triggered and words.isdisjoint(plain("get list")):
        match = KEY_MATERIAL.search(f.description)
        if match and KEY_MATERIAL_DENIED.search(f.description):
            match = None
        if match:
            return [Signal("secrets.key_material", "secrets", match.group(0))]
    if words & LOGINS and words & plain("create account register") | {"login"}:
        return [Signal("secrets.login", "secrets", ",".join(sorted(words & LOGINS)))]
    if words & CERTIFICATES and f.name_words and f.name_words[0] not in CERT_READS:
        return [Signal("secrets.certificate", "secrets", ",".join(sorted(words & CERTIFICATES)))]
    if (
        f.description
        and not f.desc_set.isdisjoint(MINT_TRIGGERS)
        and not words & CERT_READS
        and MINTS_GATE(f.description)
    ):
        minted = MINTS.search(f.description)
        if minted:
            return [Signal("secrets.mints_token", "secrets", minted.group(0))]
    hit = words & SECRET_WORDS
    if (
        not hit
        and "vault" in words
        and (f.desc_set | f.server_words) & plain("secret secrets hashicorp kv credentials")
    ):
        hit = {"vault"}
    if (
        not hit
        and words & TOKEN_NAMES
        and words & TOKEN_MAKERS
        and not words & (NOT_CREDENTIAL_TOKENS | CERT_READS)
        and not (f.desc_set | f.param_words | f.server_words) & CHAIN_TOKENS
        and ("exchange" not in words or words & plain("code oauth authorization"))
    ):
        made = ",".join(sorted(words & (TOKEN_NAMES | TOKEN_MAKERS)))
        return [Signal("secrets.makes_token", "secrets", made), Signal("secrets.makes_token", "Write", made)]
    if (
        not hit
        and f.name_words
        and f.name_words[0] in STORES_CREDENTIAL
        and words & KEY_WORDS
        and f.param_names & CREDENTIAL_PARAMS
        and not (f.desc_set | f.server_words) & CHAIN_TOKENS
    ):
        stored = ",".join(sorted({f.name_words[0]} | (words & KEY_WORDS)))
        return [Signal("secrets.stores_credential", "secrets", stored)]
    if not hit and words & KEY_WORDS and words & plain("revoke rotate regenerate refresh reveal issue"):
        hit = words & (KEY_WORDS | plain("revoke rotate regenerate refresh reveal issue"))
    if not hit and words & KEY_WORDS:
        qualifiers = words & (KEY_QUALIFIERS | TOKEN_QUALIFIERS)
        if qualifiers:
            hit = (words & KEY_WORDS) | qualifiers
    if not hit:
        return []
    public = "public" in words or "public key" in f.description
    if public and f.name_words and f.name_words[0] in PUBLIC_KEY_READS and not words & SECRET_WORDS:
        return []  # "export_public_key", "export_ssh_key ... in OpenSSH public key format"
    if words & plain("strength generate random validate check hash") and not words & plain("secret secrets vault"):
        return []  # a password generator or strength checker handles no stored credential
    return [Signal("secrets.credential_subject", "secrets", ",".join(sorted(hit)))]
