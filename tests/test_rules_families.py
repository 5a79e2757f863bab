"""Each rule family on positive and negative examples: the family fires for the tools it is about, and
stays silent on look-alikes (the negatives are the mistakes a keyword matcher makes)."""

from __future__ import annotations

import pytest

from classifier.features import extract_features
from classifier.rules import RULE_FAMILIES


def tool(tool_name: str, description: str = "", **params: str) -> dict:
    props = {k: {"type": v} for k, v in params.items()}
    return {"name": tool_name, "description": description, "inputSchema": {"type": "object", "properties": props}}


def supports(family: str, t: dict) -> set[str]:
    return {s.supports for s in RULE_FAMILIES[family](extract_features(t))}


CASES = [
    # (family, tool, label expected, should fire)
    ("money", tool("create_refund", "Refund a charge.", charge="string", amount="integer"), "Financial", True),
    ("money", tool("send_eth", "Send ETH to an address.", to="string", amount="string"), "Financial", True),
    (
        "money",
        tool("placeLimitOrder", "Place a limit order for a stock.", symbol="string", price="number"),
        "Financial",
        True,
    ),
    ("money", tool("cancel_subscription", "Cancel a paid subscription.", id="string"), "Financial", True),
    ("money", tool("list_charges", "List charges.", limit="integer"), "Financial", False),
    ("money", tool("get_invoice", "Get an invoice.", id="string"), "Financial", False),
    ("money", tool("transfer_issue", "Transfer an issue to another repository.", repo="string"), "Financial", False),
    ("money", tool("create_order_note", "Add a note to a sort order field.", text="string"), "Financial", False),
    ("money", tool("swap_quote", "Quote a token swap without executing it.", amount="string"), "Financial", False),
    ("money", tool("cancel_all_orders", "Cancel all open orders of the account.", symbol="string"), "Financial", True),
    (
        "money",
        tool("subscribe_webhook_subscription", "Create a webhook subscription.", url="string"),
        "Financial",
        False,
    ),
    ("deletion", tool("d1_database_delete", "Delete a D1 database.", database_id="string"), "Destructive", True),
    ("deletion", tool("write_file", "Write content to a file.", path="string", content="string"), "Destructive", True),
    ("deletion", tool("drop-table", "Drop a table.", table="string"), "Destructive", True),
    ("deletion", tool("update_page", "Replaces the entire content of a page.", page_id="string"), "Destructive", True),
    ("deletion", tool("remove_label", "Remove a label from an issue.", label="string"), "Destructive", False),
    ("deletion", tool("list_deleted_items", "List items in the trash.", limit="integer"), "Destructive", False),
    (
        "deletion",
        tool("delete_task", "Move a task to the trash, where it can be recovered.", id="string"),
        "Destructive",
        False,
    ),
    ("deletion", tool("edit_file", "Edit lines of a file.", path="string", edits="array"), "Destructive", False),
    (
        "deletion",
        {
            "name": "manage_items",
            "inputSchema": {"properties": {"action": {"type": "string", "enum": ["create", "delete"]}}},
        },
        "Destructive",
        True,
    ),
    ("execution", tool("run_command", "Run a shell command.", command="string"), "code_execution", True),
    ("execution", tool("query", "Run a read-only SQL query.", sql="string"), "code_execution", True),
    ("execution", tool("graph_read", "Run a Cypher query against Neo4j.", query="string"), "code_execution", True),
    ("execution", tool("trigger_workflow", "Trigger a CI workflow.", workflow="string"), "Execute", True),
    ("execution", tool("generate_image", "Generate an image from a prompt.", prompt="string"), "Execute", True),
    ("execution", tool("search_issues", "Search issues with a text query.", query="string"), "code_execution", False),
    (
        # LABELLING.md "Explain / plan queries": caller-written SQL to explain is code_execution ("even when
        # read-only"); formatting a statement is not.
        "execution",
        tool("explain_query", "Explain a SQL query plan without running it.", sql="string"),
        "code_execution",
        True,
    ),
    ("execution", tool("format_query", "Format a SQL statement.", sql="string"), "code_execution", False),
    ("execution", tool("get_country", "Get a country by its code.", code="string"), "code_execution", False),
    (
        "execution",
        tool("horizons", "Ephemeris data of solar system objects.", command="string"),
        "code_execution",
        False,
    ),
    ("execution", tool("deploy_stack", "Deploy a compose stack.", compose_yaml="string"), "code_execution", True),
    ("communication", tool("send_email", "Send an email.", to="string", body="string"), "sends_communication", True),
    ("communication", tool("add_comment", "Comment on a pull request.", body="string"), "sends_communication", True),
    ("communication", tool("create_draft", "Create an email draft.", to="string"), "sends_communication", False),
    ("communication", tool("send_token", "Send tokens to an address.", to="string"), "sends_communication", False),
    ("communication", tool("list_messages", "List messages.", channel="string"), "sends_communication", False),
    (
        "communication",
        tool("tg_send_video", "Send a video via telegram bot.", chat_id="string"),
        "sends_communication",
        True,
    ),
    (
        "communication",
        tool("queue_send_message", "Send a message to a queue.", queue="string"),
        "sends_communication",
        False,
    ),
    ("egress", tool("fetch", "Fetch a URL and return markdown.", url="string"), "network_egress", True),
    ("egress", tool("web_search", "Search the web.", query="string"), "untrusted_content", True),
    ("egress", tool("create_bookmark", "Save a bookmark.", url="string"), "network_egress", False),
    ("egress", tool("get_weather", "Weather for a city.", city="string"), "untrusted_content", False),
    ("secrets", tool("create_api_key", "Create an API key.", name="string"), "secrets", True),
    ("secrets", tool("get_secret", "Read a secret value from the vault.", name="string"), "secrets", True),
    ("secrets", tool("list_repos", "List repositories.", api_key="string"), "secrets", False),
    ("secrets", tool("create_wallet", "Create a wallet and return its private key.", name="string"), "secrets", True),
    ("secrets", tool("get_token_price", "Price of a crypto token.", symbol="string"), "secrets", False),
    ("secrets", tool("generate_password", "Generate a random password.", length="integer"), "secrets", False),
    ("secrets", tool("list_files_in_vault", "List notes in the Obsidian vault.", path="string"), "secrets", False),
    ("permissions", tool("add_collaborator", "Add a collaborator.", username="string"), "permissions", True),
    ("permissions", tool("assign_role", "Assign a role to a user.", role="string"), "permissions", True),
    ("permissions", tool("list_roles", "List roles.", limit="integer"), "permissions", False),
    ("permissions", tool("assign_issue", "Assign an issue to someone.", issue="integer"), "permissions", False),
    (
        "permissions",
        tool("attach_user_policy", "Attach a managed IAM policy to a user.", user="string"),
        "permissions",
        True,
    ),
    ("filesystem", tool("read_file", "Read a file from disk.", path="string"), "filesystem", True),
    ("filesystem", tool("list_directory", "List a directory.", path="string"), "filesystem", True),
    (
        "filesystem",
        tool("get_file_contents", "Get a file from a GitHub repository.", owner="string", path="string"),
        "filesystem",
        False,
    ),
    ("filesystem", tool("get_weather", "Weather.", city="string"), "filesystem", False),
    ("filesystem", tool("html_to_text", "Convert HTML.", inputPath="string", outputDir="string"), "Write", True),
    ("filesystem", tool("take_screenshot", "Screenshot to a file.", output_path="string"), "Write", False),
    ("infrastructure", tool("list_pods", "List pods in a namespace.", namespace="string"), "infrastructure", True),
    ("infrastructure", tool("terminate_instance", "Terminate an EC2 instance.", id="string"), "infrastructure", True),
    ("infrastructure", tool("list_records", "List CRM records.", limit="integer"), "infrastructure", False),
    ("infrastructure", tool("get_server_time", "The time on the server.", tz="string"), "infrastructure", False),
    ("physical", tool("turn_on_light", "Turn on a smart light.", entity_id="string"), "physical", True),
    (
        "physical",
        tool("unlock_door", "Unlock the front door lock of the smart home.", entity_id="string"),
        "physical",
        True,
    ),
    ("physical", tool("lock_issue", "Lock an issue conversation.", issue="integer"), "physical", False),
    ("physical", tool("get_weather", "Weather.", city="string"), "physical", False),
]


@pytest.mark.parametrize(("family", "t", "label", "fires"), CASES, ids=[f"{c[0]}-{c[1]['name']}" for c in CASES])
def test_rule_family(family: str, t: dict, label: str, fires: bool) -> None:
    assert (label in supports(family, t)) is fires


def test_every_family_has_positive_and_negative_cases() -> None:
    families = {c[0] for c in CASES}
    assert families == set(RULE_FAMILIES) - {"actions", "content"}
    for family in families:
        assert any(c[0] == family and c[3] for c in CASES)
        assert any(c[0] == family and not c[3] for c in CASES)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("get_run_status", "Read"),
        ("workflow_run_list", "Read"),
        ("createOrUpdateFile", "Write"),
        ("browser_click", "Execute"),
    ],
)
def test_actions_family_reads_the_name_verb(name: str, label: str) -> None:
    assert label in supports("actions", tool(name, "", selector="string"))


def test_private_data_for_mail_but_not_public_chain() -> None:
    assert "private_data" in supports("content", tool("list_emails", "List emails in the inbox."))
    assert "private_data" not in supports(
        "content", tool("get_transactions", "Transactions of an Ethereum wallet address.")
    )


def test_soft_delete_is_a_write() -> None:
    t = tool("delete_client", "Soft-delete a client; it can be restored later.", client_id="string")
    assert supports("actions", t) == {"Write"}


@pytest.mark.parametrize(
    "t",
    [
        tool("list_deals", "List deals from Pipedrive with their value and owner.", status="string"),
        tool("hl_get_fills", "Get your recent trade history (fills) on the exchange.", limit="integer"),
        tool("get_deposit_history", "Get the deposit history for the user's Binance account.", coin="string"),
        tool("list_emails", "List emails in your account's inbox.", folder="string"),
    ],
)
def test_private_data_for_organisation_records_and_personal_accounts(t: dict) -> None:
    """LABELLING.md private_data 1 and 3: business records and a person's own account are private."""
    assert "private_data" in supports("content", t)


@pytest.mark.parametrize(
    "t",
    [
        tool("worker_list", "List all Workers in your account"),
        tool("list_glossaries", "Lists all glossaries in your Lara Translate account."),
        tool("get_stock_trades", "Retrieve historical trade data for one or more stocks.", symbols="string"),
        tool("binance_get_recent_trades", "Fetch the most recent public trades for a symbol.", symbol="string"),
        tool("get_market_calendar", "Get market calendar events (earnings, IPOs, splits).", calendar_type="string"),
        tool("analyze_transaction", "Decode and analyze a Bitcoin transaction: inputs, outputs.", txid="string"),
        tool("list_email_labels", "Retrieves all available Gmail labels"),
        tool("list_stages", "List all stages of a sales pipeline in Pipedrive.", pipeline_id="integer"),
    ],
)
def test_no_private_data_for_public_data_resource_lists_or_settings(t: dict) -> None:
    """LABELLING.md private_data 2 and 4: where resources live, public market and chain data, and a service's
    settings are not private records."""
    assert "private_data" not in supports("content", t)
