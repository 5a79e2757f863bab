"""Financial: tools that move money or value or commit the user to pay.

Judged by the action, not the domain: ``list_charges`` stays Read (its verb reads); ``create_refund``,
``send_eth``, ``place_limit_order`` and ``cancel_subscription`` are Financial.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import Signal, name_actions
from classifier.text import plain

# Verbs that move value whatever their object.
MONEY_ACTIONS = plain(
    """pay charge refund payout purchase buy sell trade swap withdraw deposit bridge stake unstake tip donate
    checkout borrow lend repay liquidate order invest divest rebalance"""
)
# Verbs that move value when their object is a payment, an order, a transfer...
COMMIT_VERBS = plain(
    """create send place submit execute make process initiate cancel issue finalize void capture confirm sign accept
    transfer open close modify amend replace mint approve broadcast new add start update"""
)
MONEY_OBJECTS = plain(
    """payment payments charge refund transfer payout order orders invoice invoices subscription subscriptions
    trade trades swap transaction tx eth btc sol usdc usdt token tokens crypto coin coins funds money tip
    purchase position positions bet wager donation nft lamports wei gas native erc20 spl asset assets bitcoin
    ether ethereum solana matic bnb checkout cart limit market stoploss erc721 erc1155 usd"""
)
# Order-like objects mean a purchase or a trade only in a commerce, trading or blockchain context.
AMBIGUOUS_OBJECTS = plain("order orders transaction tx position positions asset assets token tokens")
MONEY_CONTEXT = plain(
    """price prices amount currency usd eur payment pay paid buy sell trading trade stock stocks shares crypto
    wallet exchange broker market limit quantity qty symbol ticker shop store cart checkout product products
    purchase blockchain chain eth ethereum solana bitcoin evm web3 gas wei lamports usdc balance funds
    merchant stripe paypal square commerce ecommerce e-commerce kite zerodha binance coinbase alpaca charged card
    fee fees billing prorating delivery portfolio holdings fund"""
)
PRICE_ONLY = plain("quote quotes estimate estimates preview simulate simulation price prices fee fees gas_estimate")
# Placing or cancelling an order commits or releases money (taxonomy.md: cancel_order of a paid order).
ORDER_VERBS = plain("place cancel submit accept amend modify")
# HTTP tools that pay for what they fetch (x402 and similar): each call can spend the user's money.
REQUEST_NAMES = plain("fetch get post put request requests http call x402")
AUTO_PAY_TRIGGERS = plain("payment payments pay pays automatic automatically auto")
AUTO_PAY = re.compile(
    r"automatic(?:ally)? (?:\w+ (?:and|&) )?(?:x402 )?pa(?:y|ys|ying|yment)|(?:x402 )?auto-?pay|"
    r"pays? (?:automatically|for (?:the|each) request)"
)
EXECUTES_QUOTE = plain("accept execute confirm")
NON_MONEY_VERBS = plain("get list search find read fetch query describe show view check count lookup retrieve")
# Escrow locks the payer's funds and releases or refunds them: each step moves value (name verbs the lexicon
# does not know, "amrood_escrow_hold", "release_escrow", so the name's words are checked directly).
ESCROW_MOVES = plain("create hold release refund fund lock deposit open new")
# "btc_sweep: Sweep the entire balance to one address": the whole balance leaves the wallet (checked by name
# word, with a money word around it: "sweep_logs" is housekeeping).
# "lw_send: Send L-BTC to an address": what is sent is named only in the description; an amount parameter
# and a value word there tell a payment from "send_message".
AMOUNT_PARAMS = plain("amount amounts sats satoshis lamports wei")
SENT_VALUE = (MONEY_OBJECTS - AMBIGUOUS_OBJECTS - plain("transfer order orders")) | plain("lightning stablecoin")


# "set_billing_rule: Set an auto-pay rule ... invoices will auto-pay": from then on the user pays without asking.
SETS_AUTOPAY = re.compile(r"auto-?pays?\b|autopay|automatic(?:ally)? pay(?:s|ment|ments)?\b")
AUTOPAY_TRIGGERS = plain("auto-pay autopay auto automatic automatically")
SETTING_VERBS = plain("set create enable add update configure")


def _moves_value_by_name(f: ToolFeatures, verb: str | None) -> Signal | None:
    """Value-moving tools the verb lexicon misses: escrow steps, balance sweeps, sends named in the prose."""
    if "escrow" in f.name_set and f.name_set & ESCROW_MOVES and not f.name_set & NON_MONEY_VERBS:
        return Signal("money.escrow", "Financial", ",".join(sorted(f.name_set & (ESCROW_MOVES | {"escrow"}))))
    if (
        "sweep" in f.name_set
        and not f.name_set & NON_MONEY_VERBS
        and (f.desc_set | f.param_words | f.name_set) & (MONEY_CONTEXT | MONEY_OBJECTS)
    ):
        return Signal("money.sweeps_balance", "Financial", "sweep")
    if verb in SETTING_VERBS and f.description and not f.desc_set.isdisjoint(AUTOPAY_TRIGGERS):
        autopay = SETS_AUTOPAY.search(f.description)
        if autopay and not f.name_set & REQUEST_NAMES:
            return Signal("money.sets_autopay", "Financial", autopay.group(0))
    if verb == "send" and not f.name_set & MONEY_OBJECTS and f.param_words & AMOUNT_PARAMS:
        sent = f.desc_set & SENT_VALUE
        if sent:
            return Signal("money.sends_value", "Financial", "send," + ",".join(sorted(sent)))
    return None


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    if f.name_set & REQUEST_NAMES and not f.desc_set.isdisjoint(AUTO_PAY_TRIGGERS) and f.description:
        paid = AUTO_PAY.search(f.description)
        if paid:
            return [Signal("money.pays_per_request", "Financial", paid.group(0))]
    by_name = _moves_value_by_name(f, actions[0] if actions else None)
    if by_name is not None:
        return [by_name]
    if not actions or actions[0] in NON_MONEY_VERBS:
        return []
    verb = actions[0]
    if f.name_set & PRICE_ONLY:
        if verb in EXECUTES_QUOTE and f.name_set & plain("quote quotes"):
            return [Signal("money.accepts_quote", "Financial", f"{verb},quote")]  # the quoted trade happens
        return []  # a quote, an estimate or a simulation commits nothing
    if "paid" in f.name_set:
        return [Signal("money.paid_action", "Financial", f"{verb},paid")]
    objects = (f.name_set & MONEY_OBJECTS) - {verb}
    if verb == "transfer" and not objects:
        # "ai_transfer: Transfer SOL from the wallet to a recipient": the description names what moves.
        objects = f.desc_set & (MONEY_OBJECTS - AMBIGUOUS_OBJECTS - {"transfer"})
        if not objects:
            return []
    if verb in MONEY_ACTIONS:
        if verb in ("charge", "bridge", "checkout", "tip", "order", "withdraw", "deposit", "rebalance") and not (
            objects or (f.desc_set | f.param_words) & MONEY_CONTEXT
        ):
            return []
        return [Signal("money.moves_value", "Financial", verb)]
    if verb not in COMMIT_VERBS or not objects:
        return []
    orders = verb in ORDER_VERBS and objects & plain("order orders")
    if objects <= AMBIGUOUS_OBJECTS and not orders and not ((f.desc_set | f.param_words | f.name_set) & MONEY_CONTEXT):
        return []
    if objects & plain("subscription subscriptions") and f.name_set & plain(
        "webhook event events notification newsletter feed"
    ):
        return []  # subscribing to events costs nothing
    paid_plan = "subscription" in objects and f.desc_set & plain("paid plan price charges billing prorating")
    if (
        verb in ("update", "add", "new", "open")
        and not objects & plain("order orders position positions trade")
        and not paid_plan
    ):
        return []
    return [Signal("money.commits_payment", "Financial", f"{verb},{','.join(sorted(objects))}")]
