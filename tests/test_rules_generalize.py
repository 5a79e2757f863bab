"""Rules added after reading the out-of-fold errors of cross-validation by server (``eval --cv``).

Each case is written here by hand in the shapes those errors had (not copied from any server), with a
look-alike the rule must leave alone. The decision is checked end to end by the rules alone (no model), so
a rule that fires but loses to another family's signal fails here too.
"""

from __future__ import annotations

import pytest

from classifier.engine import classify_features
from classifier.features import extract_features
from classifier.rules.base import name_actions


def tool(tool_name: str, description: str = "", server: str = "", **params: str) -> dict:
    props = {k: {"type": v} for k, v in params.items()}
    out = {"name": tool_name, "description": description, "inputSchema": {"type": "object", "properties": props}}
    if server:
        out["server"] = server
    return out


def decided(t: dict) -> str:
    return classify_features([extract_features(t)], None, use_model=False)[0]["category"]


CASES = [
    # Browser and device actions are Execute (taxonomy.md), not edits; the same verbs elsewhere stay Writes.
    (tool("mobile_set_orientation", "Change the screen orientation of the device.", orientation="string"), "Execute"),
    (tool("browser_go_back", "Navigate back in the history of the open page.", server="web-pilot-browser"), "Execute"),
    (tool("close_tab", "Close the current browser tab."), "Execute"),
    (tool("session_create", "Create a remote browser session and make it active."), "Execute"),
    (tool("set_issue_title", "Set the title of an issue.", title="string"), "Write"),
    (tool("close_ticket", "Close a support ticket.", ticket_id="string"), "Write"),
    (tool("create_session_note", "Create a note for a coaching session.", text="string"), "Write"),
    # Terminating an app or a process stops it (Execute); terminating an instance destroys it.
    (tool("terminate_app", "Terminates a running app on the simulator.", bundle_id="string"), "Execute"),
    (tool("force_terminate", "Force terminate a running terminal session.", pid="integer"), "Execute"),
    (tool("terminate_instance", "Terminate a cloud VM instance.", instance_id="string"), "Destructive"),
    # Removing a member from a container is undone by adding it back (Write); removing content is not.
    (tool("delete_cycle_member", "Remove a member from a cycle.", member_id="string"), "Write"),
    (tool("delete_repo_file", "Remove a file from the repository.", path="string"), "Destructive"),
    (tool("delete_widget", "Delete a widget permanently.", widget_id="string"), "Destructive"),
    # Replacing a whole thing is Destructive; find-and-replace in text is an edit.
    (tool("replace_login_page", "Replace the hosted login page.", html="string"), "Destructive"),
    (tool("replace_text", "Find and replace text in a document.", find="string"), "Write"),
    (tool("replace_sign_in_page", "Replace the hosted sign-in page.", html="string"), "Destructive"),
    (tool("remove_contact", "Remove a contact from Mailer.", server="mailer", id="string"), "Destructive"),
    (tool("restore_from_backup", "Restore the instance from a backup.", backup_id="string"), "Destructive"),
    (tool("restore_task", "Restore a task from the trash.", task_id="string"), "Write"),
    # Paid media generation is Execute, whatever the verb; transcription and cost reports are not.
    (tool("text_to_sound_effects", "Turn a text prompt into a sound effect.", text="string"), "Execute"),
    (tool("voice_design", "Design a new voice from a prompt.", prompt="string"), "Execute"),
    (
        tool(
            "isolate_stems",
            "Split a song into stems. COST WARNING: this calls a paid API and may incur costs.",
            audio_path="string",
        ),
        "Execute",
    ),
    (tool("speech_to_text", "Transcribe an audio file to text. COST WARNING: may incur costs.", file="string"), "Read"),
    (tool("list_voices", "List voices. Listing never incurs costs.", limit="integer"), "Read"),
    # Simulating and building values only compute; building a project runs a build.
    (tool("simulate_swap", "Simulate a token swap without submitting a transaction.", amount="string"), "Read"),
    (tool("build_event_topic", "Build an event topic hash from an event signature.", signature="string"), "Read"),
    (tool("build_project", "Build the Xcode project.", scheme="string"), "Execute"),
    # Other languages: the verbs of names and descriptions count like English ones.
    (tool("eliminar_archivo", "Elimina un archivo del disco.", ruta="string"), "Destructive"),
    (tool("x", "Supprime le fichier indiqué.", chemin="string"), "Destructive"),
    (tool("get_transaction_status", "查询交易状态和详情"), "Read"),
    (tool("delete_thing", "删除指定的记录"), "Destructive"),
    (tool("map_place_details", "地点详情检索服务"), "Read"),
    (tool("x", "创建一个新的任务", title="string"), "Write"),
    (tool("x", "タスクを削除します"), "Destructive"),  # Japanese puts the verb last: the head is searched
    (tool("crear_tarea", "Crea una tarea nueva.", titulo="string"), "Write"),
    # Changing an IoT device's desired state makes it act; registering a device is a record.
    (tool("update_device_twin", "Merge-update a device twin's desired properties.", server="iot-hub"), "Execute"),
    (tool("register_device", "Register a new device in the IoT registry.", server="iot-hub"), "Write"),
    # A manage tool whose operations start and stop things is Execute; one that edits settings is not.
    (tool("manage_warehouse", "Manage a compute warehouse: suspend, resume, restart or resize."), "Execute"),
    (tool("manage_labels", "Manage the labels of a project: rename or recolor them."), "Write"),
    # kubectl apply of a manifest is Execute.
    (tool("kubectl_apply", "Apply a Kubernetes YAML manifest.", manifest="string"), "Execute"),
    # Money: investing, rebalancing, accepting a conversion quote, transfers named by the description,
    # HTTP requests that pay for themselves; their look-alikes stay non-financial.
    (tool("invest_in_fund", "Invest an amount in a fund for an account.", amount="number"), "Financial"),
    (tool("rebalance_portfolio_now", "Rebalance the portfolio, selling and buying assets.", id="string"), "Financial"),
    (tool("rebalance_partitions", "Rebalance topic partitions across brokers.", topic="string"), "Write"),
    (tool("accept_convert_quote", "Accept a conversion quote and execute it.", quote_id="string"), "Financial"),
    (tool("get_convert_quote", "Get a quote to convert one coin into another.", amount="string"), "Read"),
    (tool("agent_transfer", "Transfer SOL from the agent wallet to a recipient.", to="string"), "Financial"),
    (tool("transfer_ticket", "Transfer a ticket to another team.", team="string"), "Write"),
    (
        tool("paid_fetch", "HTTP fetch with automatic payment when a server asks for it (x402).", url="string"),
        "Financial",
    ),
    (tool("fetch_url", "Fetch a URL and return its text.", url="string"), "Read"),
    (tool("x402_post", "HTTP POST with automatic x402 payment on 402.", url="string"), "Financial"),
    (tool("x402_get_config", "Show the x402 facilitator URL and network."), "Read"),
    (tool("get_usdc_balance", "Get the USDC balance used for x402 micropayments."), "Read"),
]


@pytest.mark.parametrize(("t", "category"), CASES, ids=[c[0]["name"] for c in CASES])
def test_rules_decide_the_category(t: dict, category: str) -> None:
    assert decided(t) == category


def capabilities(t: dict) -> set[str]:
    return set(classify_features([extract_features(t)], None, use_model=False)[0]["capabilities"])


CAPABILITY_CASES = [
    # Query languages the caller writes are code_execution, whatever the verb; explaining a plan is not.
    (
        tool("query_devices", "Query device twins using the hub's query language.", query="string"),
        "code_execution",
        True,
    ),
    (
        tool("search", "Perform a search with the provided query DSL.", index="string", body="object"),
        "code_execution",
        True,
    ),
    (tool("run_ddl", "Execute a DDL or DML statement.", stmt="string"), "code_execution", True),
    (tool("search_docs", "Search the documentation with a text query.", query="string"), "code_execution", False),
    (tool("redeem_invite", "Redeem an invite code for credits.", code="string"), "code_execution", False),
    (tool("create_discount", "Create a discount with a coupon code.", code="string"), "code_execution", False),
    (tool("run_snippet", "Run a Python snippet in a sandbox.", code="string"), "code_execution", True),
    # The text of a page an automated browser shows was written by the site's owner.
    (tool("playwright_get_visible_text", "Get the visible text of the current page."), "untrusted_content", True),
    (
        tool("stagehand_extract", "Extract data from the current page.", server="cloud-browser"),
        "untrusted_content",
        True,
    ),
    (tool("get_text_style", "Get the text style of a document paragraph."), "untrusted_content", False),
    # A user's brokerage, exchange or shop account: positions, orders and balances are private; market data is not.
    (tool("get_positions", "Get all open positions for the brokerage account."), "private_data", True),
    (tool("list_orders", "List orders placed by customers of the store.", status="string"), "private_data", True),
    (
        tool("get_order_book", "Get the order book of a trading pair on the exchange.", symbol="string"),
        "private_data",
        False,
    ),
    (
        tool("get_token_balance", "Get the ERC20 token balance of an address on Ethereum.", address="string"),
        "private_data",
        False,
    ),
    # Credentials: certificates and minted tokens are secrets; passing a token to authenticate is not.
    (tool("set_certificate_status", "Change a device certificate's status.", status="string"), "secrets", True),
    (tool("list_certificates", "List device certificates.", limit="integer"), "secrets", False),
    (tool("set_scope", "Scopes the session to projects. Mints a scoped access token.", ids="array"), "secrets", True),
    (tool("list_projects", "List projects. Requires an access token.", token="string"), "secrets", False),
    # Access: attaching policies and managing an identity provider's applications change who gets in.
    (
        tool("modify_policy_attachment", "Attach or detach a policy to a certificate.", policy="string"),
        "permissions",
        True,
    ),
    (tool("update_policy_text", "Update the text of the privacy policy page.", text="string"), "permissions", False),
    (tool("create_application", "Create an application.", server="okta-admin", label="string"), "permissions", True),
    (tool("create_application", "Create an application.", server="job-board", label="string"), "permissions", False),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"), CAPABILITY_CASES, ids=[f"{c[0]['name']}-{c[2]}" for c in CAPABILITY_CASES]
)
def test_rules_find_the_capability(t: dict, capability: str, present: bool) -> None:
    assert (capability in capabilities(t)) is present


def test_generating_a_credential_is_a_write() -> None:
    t = tool("generate_agent_key", "Generate a new keypair for the agent. Treat it as secret.", agent="string")
    result = classify_features([extract_features(t)], None, use_model=False)[0]
    assert result["category"] == "Write" and "secrets" in result["capabilities"]
    assert result["risk"] == "Critical"


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("maps_place_details", None),  # "place" is a noun here: the description says the action
        ("wallet_bridge_health", "health"),
        ("bridge_health", "bridge"),  # two words: the verb may well be the action
        ("place_order", "place"),
        ("update_view", "update"),  # a first-word "update" is the action, not the "view" after it
        ("run_list", "list"),  # "run" early in a name is a resource
    ],
)
def test_name_actions_treat_nouns_as_nouns(name: str, action: str | None) -> None:
    actions = name_actions(extract_features({"name": name}))
    assert (actions[0] if actions else None) == action
