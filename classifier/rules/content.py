"""private_data: tools that read personal or confidential data (mail, messages, private files, records).

Only a tool that returns such data counts; one that writes it is judged by its action instead.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import READ_VERBS, Signal, literal_gate, resource_first_actions
from classifier.text import plain

PRIVATE = plain(
    """email emails mail mails inbox message messages chat chats dm dms conversation conversations contact
    contacts calendar calendars event events meeting meetings customer customers patient patients medical
    health employee employees payroll salary personal private profile profiles user users account accounts
    transaction transactions balance balances invoice invoices order orders note notes journal diary document
    documents doc docs drive file files record records crm lead leads deal deals ticket tickets crm contact
    member members subscriber subscribers lead prescription diagnosis appointment appointments ssn passport
    memory memories history sms call calls voicemail photo photos bank statement statements expense expenses
    portfolio holdings vault page pages database table tables row rows collection collections"""
)
STRONG_PRIVATE = plain(
    """email emails mail mails inbox message messages chat chats  conversation conversations contact
    contacts calendar calendars patient patients medical employee employees payroll salary personal
    private customer customers transaction transactions balance balances invoice invoices prescription
    diagnosis appointment appointments ssn passport sms voicemail bank statement statements expense expenses
    portfolio holdings crm lead leads note notes journal diary memory memories prospect prospects reminder reminders"""
)

# What a user holds or did in a financial account (a broker, an exchange, a budgeting app, a shop's orders).
ACCOUNT_HOLDINGS = plain(
    """position positions order orders trade trades fills pnl ledger allocation balance balances holdings
    portfolio wallet wallets payment payments billing budget earn"""
)
ACCOUNT_CONTEXT = plain(
    """account accounts user user's caller's your brokerage broker trading exchange signed binance ibkr alpaca
    kraken coinbase robinhood schwab bybit okx budget lunchmoney ynab shop store merchant woocommerce shopify
    customer customers"""
) | plain("authenticated authentication commerce ecommerce")
# A cloud provider's billing, budgets and cost data describe what its resources cost, not a person's money
# (LABELLING.md private_data 2-3: configuration and aggregates are not records).
CLOUD_BILLING = plain("aws gcp azure cloudflare cloud")
# Public market data about an instrument, not anyone's account.
MARKET_DATA = plain("book orderbook depth ticker tickers market markets quote quotes price prices candles klines")
PUBLIC_CHAIN = plain(
    "blockchain erc20 erc721 onchain evm ethereum solana etherscan bitcoin sats satoshis wei txid tx_hash mempool"
)
# Names of public schedules: an economic or market calendar is nobody's diary.
PUBLIC_SCHEDULE = plain("economic market earnings ticker ipo ipos")
# Trades of an instrument or the whole market, not of one account ("get_stock_trades", "get_agg_trades").
PUBLIC_TRADES = plain("stock stocks agg aggregate crypto")
# Positions of things that move in public view (flight trackers, ship and satellite feeds), not of an account.
TRACKED_POSITIONS = plain("flight flights aircraft vessel vessels ship ships satellite satellites vehicle vehicles")
DATABASE = plain(
    "sql database db table tables postgres postgresql mysql sqlite mongodb collection bigquery snowflake clickhouse "
    "athena mariadb redshift records rows"
)

# Things a service keeps for its user: private when the description says whose they are.
WORKSPACE_OBJECTS = plain(
    """note notes page pages document documents doc docs file files issue issues bill bills contract contracts
    trade trades order orders balance profile account capture captures image images prospect prospects
    company companies record records ticket tickets task tasks log logs variable variables history
    template templates project projects knowledge event events meeting meetings item items entry entries report reports credit sheet
    result results data context submission submissions response responses form forms lead"""
)
# Services whose content is the user's own: mail, chat, documents, trackers, accounts, books, CRM, files.
WORKSPACE_PRODUCTS = plain(
    """gmail outlook slack msteams notion gdrive drive dropbox onedrive sharepoint xero quickbooks freshbooks
    hubspot salesforce pipedrive zendesk intercom freshdesk jira linear sentry asana trello clickup airtable
    figma obsidian evernote todoist gcal icloud whatsapp telegram imessage gyazo zerodha kite robinhood plaid
    confluence coda productboard esignatur docusign pandadoc bamboohr workday gusto rippling greenhouse
    needle rememberizer mem0 logseq roam bear onenote protonmail fastmail thunderbird monzo revolut ynab
    mailchimp klaviyo calendly zoom fireflies otter granola"""
)
# Last name words that make the tool about the settings of a thing, not its content ("verify_email_domain").
NOT_CONTENT = plain(
    "domain domains settings setting config configuration customization customizations template templates "
    "signature signatures schema types provider providers integration integrations webhook webhooks "
    "label labels filter filters tag tags property properties pipeline pipelines stage stages channels "
    "permissions calendars mailboxes folders workspaces boards tiers views pageviews trends"
)
AGGREGATES = plain(
    "statistics stats count counts analytics rates rate types categories currencies schema schemas fields codes "
    "settings options"
)
# "Look up memories ...", "Lists the user's recent emails ...": the description's first object is private.
LEAD_OBJECT = re.compile(
    r"\s*(?:\w+)(?: up)?\s+(?:(?:the|all|recent|latest|a|an|your|user'?s|stored|saved|unread|personal)\s+)*"
    r"(memories|emails|e-mails|messages|notes|contacts|conversations|chats|appointments|transactions|expenses)\b"
)
LEAD_NOUNS = plain(
    "memories emails mails messages notes contacts conversations chats appointments transactions expenses"
)
# Names that say the content is public reference material, whatever the service.
PUBLIC_REFERENCE = plain("docs documentation doc guide guides tutorial tutorials reference api_reference changelog")
# "your emails", "the user's wallet", "my notes": the description says whose data it returns.
OWNED = re.compile(
    r"\b(?:your|user'?s|my|personal|private|internal|confidential)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:e-?mails?|messages?|notes?|files?|documents?|accounts?|wallets?|calendars?|contacts?|orders?|trades?|"
    r"portfolios?|holdings|knowledge|memories|vault|workspaces?|inbox|captures?|photos?|transactions?|"
    r"balances?|records|conversations?|chats?|history|drive|mailbox|data)\b"
)
# A person's body as a wearable or health app records it: personal data whoever's service keeps it.
HEALTH_DATA = plain(
    "sleep sleeps readiness resilience hrv heartrate vitals biometrics workout workouts spo2 glucose menstrual strain "
    "recoveries"
)
# Wearables and fitness services: every record they hold is about the wearer's body (not their auth status).
WEARABLES = plain("whoop oura garmin fitbit withings strava polar coros wearable")
WEARABLE_NOT_DATA = plain("auth oauth token status config settings login web pwa lighthouse lcp seo")
# Clinical record systems (FHIR, EHR): their resources are patients' records; their metadata and codes are not.
CLINICAL = plain("fhir ehr emr clinical patient patients")
CLINICAL_METADATA = plain(
    "capabilities capability metadata schema schemas code codes terminology valueset codesystem reference"
)
# "Returns member names, email addresses, roles": the tool hands out people's contact details.
PEOPLE_DETAILS = re.compile(
    r"\b(?:returns?|including|includes|with|shows?|showing)\b[^.]{0,60}?\b(?:e-?mail addresses|phone numbers?|"
    r"job titles?|profile information|contact (?:info|information|details))\b"
)
# "Lists all Workers in your account": where resources live, not the account's own data.
ACCOUNT_LOCATION = re.compile(r"\b(?:in|within|across|under)\s+your\s+(?:[\w-]+\s+){0,2}accounts?\b")
# Verbs that work on what the caller passes in (an XML string, a raw transaction hex), not on stored records.
INLINE_TRANSFORMS = plain("validate convert decode encode parse format lint")
# A person's money accounts: "list_accounts" of a brokerage, a bank or a budgeting app (LABELLING.md private_data 3).
ACCOUNT_NAMES = plain("account accounts wallet wallets")
MONEY_ACCOUNT_CONTEXT = plain(
    "brokerage broker bank banking budget budgeting ynab lunchmoney plaid manual synced trading portfolio"
) | plain("balance balances signed")
# An attachment of a mail or a message is part of that mail (LABELLING.md private_data 1: "chat and mail").
ATTACHMENTS = plain("attachment attachments")
MAIL = plain("email emails mail mails gmail imap inbox message messages messaging chat")
# "binance_get_fiat_history", "get_convert_history": what one account did at an exchange or a broker.
ACCOUNT_HISTORY = plain("history histories")
# The people of a workspace, a team, a realm or a CRM: their profiles (names, emails) are personal data.
PEOPLE = plain("user users member members")
# Where user records are access principals or public profiles rather than people's personal data.
NOT_PEOPLE_DATA = plain(
    "iam public metrics analytics instagram linkedin hackernews reddit twitter tiktok bluesky mastodon dcard youtube"
)
# "ollama_chat(model, messages)": a chat with a language model returns the model's text, not people's chats.
MODEL_CHAT_PARAMS = plain("messages prompt")
CHAT_WORDS = plain("chat chats conversation conversations message messages")


def model_chat(f: ToolFeatures) -> bool:
    """Whether the tool talks to a language model the caller names (a completion, not a messaging service)."""
    return "model" in f.param_names and not f.param_names.isdisjoint(MODEL_CHAT_PARAMS)


OWNED_GATE = literal_gate(OWNED)  # most descriptions lack its words: a few substring tests spare the search
PEOPLE_DETAILS_GATE = literal_gate(PEOPLE_DETAILS)


RUNS_QUERY = plain("query run execute exec")  # word lists used on every tool: built once, not looked up per call
OWN = plain("my me mine own")


# A wallet the tool holds for the user, chosen by its name or id (not by an address anyone can look up):
# its balance and history are the user's own account, even on a public chain (LABELLING.md, personal accounts).
OWN_WALLET_READS = ACCOUNT_HOLDINGS | plain("transaction transactions history utxos")
WALLET_SELECTORS = plain("wallet_name walletname wallet_id walletid wallet")


# Constant word sets of ``detect`` built once at import rather than per tool.
_HISTORY_CONTEXT = ACCOUNT_CONTEXT - plain("user user's account accounts")
_CLINICAL_PROSE = plain("fhir ehr emr")


def _own_wallet(f: ToolFeatures) -> bool:
    return bool(
        f.name_set & OWN_WALLET_READS
        and f.param_names & WALLET_SELECTORS
        and not f.param_words & plain("address addresses pubkey account_address")
    )


def detect(f: ToolFeatures) -> list[Signal]:
    actions = resource_first_actions(f)  # "list.get": the action after the dotted resource
    verb = actions[0] if actions else None
    runs_query = verb in RUNS_QUERY or "query" in f.name_set
    if runs_query and f.param_names & plain("sql query sql_query statement") and (f.name_set | f.desc_set) & DATABASE:
        return [Signal("content.database_rows", "private_data", ",".join(sorted((f.name_set | f.desc_set) & DATABASE)))]
    if verb is not None and verb not in READ_VERBS:
        return []
    if _own_wallet(f):
        return [Signal("content.own_wallet", "private_data", ",".join(sorted(f.name_set & OWN_WALLET_READS)))]
    if verb in INLINE_TRANSFORMS:
        return []  # validating or decoding what the caller passes in reads nobody's records
    if f.name_set & ATTACHMENTS and (f.name_set | f.desc_set | f.server_words) & MAIL:
        return [Signal("content.mail_attachment", "private_data", ",".join(sorted(f.name_set & ATTACHMENTS)))]
    if not (
        f.name_set.isdisjoint(PUBLIC_CHAIN)
        and f.desc_set.isdisjoint(PUBLIC_CHAIN)
        and f.param_words.isdisjoint(PUBLIC_CHAIN)
        and f.server_words.isdisjoint(PUBLIC_CHAIN)
    ):
        return []  # balances and transactions on a public blockchain are public (a chain RPC server's too)
    if f.name_set & AGGREGATES:
        return []  # statistics and reference lists are not anyone's personal data
    personal = _personal_records(f, verb)
    if personal:
        return personal
    if f.name_set & PUBLIC_SCHEDULE and f.name_set & plain("calendar calendars event events"):
        return []  # an economic or earnings calendar is public
    if f.name_set & OWN:
        return [Signal("content.own_data", "private_data", ",".join(sorted(f.name_set & OWN)))]
    held = f.name_set & ACCOUNT_HOLDINGS
    if (
        held
        and not (f.name_set & PUBLIC_TRADES or "public" in f.desc_set)  # trades of the market, not an account
        and (f.server_words | f.name_set | f.desc_set).isdisjoint(CLOUD_BILLING - {"cloud"})
        and not f.name_set & (MARKET_DATA | TRACKED_POSITIONS)
        and (f.name_set | f.desc_set | f.server_words) & ACCOUNT_CONTEXT
    ):
        # A brokerage, exchange or budgeting account's positions, orders and balances are the holder's finances.
        return [Signal("content.account_finances", "private_data", ",".join(sorted(held)))]
    # Each set intersected apart: the same words as intersecting their union, without building the union.
    history_context = (
        (f.name_set & _HISTORY_CONTEXT | f.desc_set & _HISTORY_CONTEXT | f.server_words & _HISTORY_CONTEXT)
        if f.name_set & ACCOUNT_HISTORY
        else None
    )
    if history_context and not f.name_set & (MARKET_DATA | PUBLIC_TRADES):
        return [Signal("content.account_finances", "private_data", "history," + ",".join(sorted(history_context)))]
    money_context = (
        f.desc_set & MONEY_ACCOUNT_CONTEXT | f.server_words & MONEY_ACCOUNT_CONTEXT
        if f.name_set & ACCOUNT_NAMES
        else None
    )
    if money_context and not f.name_set & MARKET_DATA:
        return [Signal("content.account_finances", "private_data", ",".join(sorted(money_context)))]
    people = bool(f.name_words) and f.name_words[-1] in PEOPLE or f.name_set >= {"current", "user"}
    if people:
        if not (f.name_set | f.desc_set | f.server_words).isdisjoint(NOT_PEOPLE_DATA):
            return []  # IAM users are access principals (permissions), public profiles are public
        return [Signal("content.people", "private_data", f.name_words[-1])]
    lead = LEAD_OBJECT.match(f.description) if not LEAD_NOUNS.isdisjoint(f.desc_words[1:8]) else None
    named = f.name_set & STRONG_PRIVATE if f.name_words and f.name_words[-1] not in NOT_CONTENT else set()
    if named & CHAT_WORDS and model_chat(f):
        named = named - CHAT_WORDS
    hits = named or ({lead.group(1)} if lead else set())
    if hits:
        return [Signal("content.private_records", "private_data", ",".join(sorted(hits)))]
    if verb in (None, "search", "get", "list", "find", "fetch", "read", "query", "retrieve", "load", "lookup"):
        products = (
            f.name_set & WORKSPACE_PRODUCTS | f.server_words & WORKSPACE_PRODUCTS | f.desc_set & WORKSPACE_PRODUCTS
        )
        settings = bool(f.name_words) and f.name_words[-1] in NOT_CONTENT
        settings = settings or _containers_only(f)
        if products and not settings and not f.name_set & PUBLIC_REFERENCE:
            return [Signal("content.workspace_service", "private_data", ",".join(sorted(products)))]
    if f.name_set & PUBLIC_REFERENCE:
        return []
    objects = f.name_set & WORKSPACE_OBJECTS
    if objects and f.server_words & STRONG_PRIVATE:
        return [
            Signal(
                "content.account_data", "private_data", ",".join(sorted(objects | (f.server_words & STRONG_PRIVATE)))
            )
        ]
    if f.name_words and f.name_words[-1] in NOT_CONTENT:
        return []  # "get_all_tags ... of the user's account": the account's vocabulary, not its records
    match = OWNED.search(f.description) if f.description and OWNED_GATE(f.description) else None
    if match and match.group(0).split()[-1].startswith("account") and ACCOUNT_LOCATION.search(f.description):
        match = None  # "in your account" says where the resources are, not that they are the account's data
    if match:
        return [Signal("content.account_data", "private_data", match.group(0))]
    return []


# A workspace's containers: "folder.get", "space.list", "list.list_in_folder" (LABELLING.md private_data 2 and
# untrusted_content 4: lists, boards and sections are not records).
CONTAINER_NOUNS = plain("space spaces folder folders list lists workspace workspaces board boards section sections")
NAME_FILLERS = plain("in of by for all folderless")


def _containers_only(f: ToolFeatures) -> bool:
    """Whether every noun of a dotted or plain name is a container of the workspace, not its records."""
    nouns = f.name_set - set(resource_first_actions(f)) - NAME_FILLERS
    return bool(nouns) and nouns <= CONTAINER_NOUNS


def _personal_records(f: ToolFeatures, verb: str | None) -> list[Signal]:
    """Reads of health data, clinical records and people's contact details (LABELLING.md, private_data 1).

    Why: wearables and clinical servers name their tools after the measure ("get_sleep_data") or the protocol
    verb ("search", "read" on FHIR resources), not after the person the data is about; directory tools say
    only in the description that they return e-mail addresses or profiles.
    """
    if verb is None:
        return []  # "sleep" alone is a pause, not a person's sleep data
    health = f.name_set & HEALTH_DATA or f.name_set & WEARABLES | f.server_words & WEARABLES
    if health and not f.name_set & WEARABLE_NOT_DATA:
        return [Signal("content.health_data", "private_data", ",".join(sorted(health)))]
    clinical = f.name_set & CLINICAL | f.server_words & CLINICAL | f.desc_set & _CLINICAL_PROSE
    if clinical and not f.name_set & CLINICAL_METADATA:
        return [Signal("content.clinical_records", "private_data", ",".join(sorted(clinical)))]
    match = PEOPLE_DETAILS.search(f.description) if f.description and PEOPLE_DETAILS_GATE(f.description) else None
    if match:
        return [Signal("content.people_details", "private_data", match.group(0)[-40:])]
    return []
