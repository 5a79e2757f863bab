"""Rules added after measuring a fresh held-out set of money, cloud, database and secrets servers.

Each case is written by hand in the shape of an error class seen on servers the classifier had never met
(payment wallets, escrow services, hosting platforms, Postgres administration, password managers), with a
look-alike the rule must leave alone. Decisions are checked end to end by the rules alone (no model), so a
rule that fires but loses to another family's signal fails here too.
"""

from __future__ import annotations

from typing import Any

import pytest

from classifier.engine import classify_features
from classifier.features import extract_features
from tests.test_rules_generalize import capabilities, decided, tool


def with_enum(tool_name: str, description: str, param: str, values: list[str], server: str = "") -> dict[str, Any]:
    """A tool whose one parameter chooses among `values` (an operation, a SQL command kind...)."""
    schema = {"type": "object", "properties": {param: {"type": "string", "enum": values}, "table": {"type": "string"}}}
    return {"name": tool_name, "description": description, "inputSchema": schema, "server": server}


CATEGORY_CASES = [
    # Escrow steps move the payer's funds; reading an escrow does not.
    (tool("open_escrow", "Lock funds for a task until it is done.", amount="number", payee="string"), "Financial"),
    (tool("release_escrow", "Release the held funds to the payee.", escrow_id="string"), "Financial"),
    (tool("vault_escrow_hold", "Hold funds in escrow until the attestor confirms.", amount="number"), "Financial"),
    (tool("get_escrow", "Get an escrow's status and parties.", escrow_id="string"), "Read"),
    # Sweeping a wallet's whole balance sends it away; sweeping logs is housekeeping.
    (
        tool("wallet_sweep", "Sweep the entire balance to one address.", wallet="string", address="string"),
        "Financial",
    ),
    (tool("sweep_logs", "Sweep old log files older than a week.", days="integer"), "not Financial"),
    # "Send" names what moves only in the prose: an amount parameter and a value word make it a payment.
    (
        tool("ln_send", "Pay a Lightning invoice from the hot wallet.", invoice="string", amount_sats="integer"),
        "Financial",
    ),
    (tool("dai_send", "Send USDC to a recipient address.", recipient="string", amount="number"), "Financial"),
    (tool("send_notice", "Send a payment reminder to a customer.", customer="string", text="string"), "Write"),
    # "rather than being permanently deleted" says what the tool does not do.
    (
        tool("entry_archive", "Archive an entry: it is hidden rather than being permanently deleted.", id="string"),
        "Write",
    ),
    (tool("entry_purge", "Permanently delete an entry from the vault.", id="string"), "Destructive"),
    # An enum of SQL statement kinds says what a policy covers; an enum of operations says what the tool does.
    (
        with_enum("create_row_policy", "Create a policy on a table.", "command", ["ALL", "SELECT", "INSERT", "DELETE"]),
        "Write",
    ),
    (
        with_enum("manage_policies", "Manage a table's policies.", "operation", ["create_policy", "drop_policy"]),
        "Destructive",
    ),
    (
        with_enum("manage_team", "Manage a team's members.", "operation", ["add_member", "remove_member"]),
        "Write",
    ),
    # A boolean that turns a run into a destroy run makes the tool Destructive; a dry-run flag does not.
    (tool("start_stack_run", "Start a run of a stack.", stack_id="string", destroy="boolean"), "Destructive"),
    (tool("start_stack_run", "Start a run of a stack.", stack_id="string", dry_run="boolean"), "Execute"),
    # Applying a planned run executes it; "run" before "details" is the thing read.
    (tool("apply_plan", "Apply a plan that has been reviewed.", plan_id="string"), "Execute"),
    (tool("run_details", "Get the details of a run.", run_id="string"), "Read"),
    (tool("run_job", "Run a job now.", job_id="string"), "Execute"),
    # Setting up automatic payment commits the user to pay later invoices; setting a reminder does not.
    (
        tool("set_billing_rule", "Set a rule: invoices up to the limit will auto-pay.", max_amount="number"),
        "Financial",
    ),
    (tool("set_billing_note", "Set the note printed on invoices.", note="string"), "Write"),
]


@pytest.mark.parametrize(("t", "category"), CATEGORY_CASES, ids=[c[0]["name"] for c in CATEGORY_CASES])
def test_rules_decide_the_category(t: dict[str, Any], category: str) -> None:
    if category.startswith("not "):
        assert decided(t) != category.removeprefix("not ")
    else:
        assert decided(t) == category


CAPABILITY_CASES = [
    # A password manager's items are credentials; titles-only listings are not.
    (tool("entry_get", "Get a Bitwarden entry with its fields.", entry_id="string"), "secrets", True),
    (tool("item_update", "Update a login item.", server="keeper-vault-mcp", item_id="string"), "secrets", True),
    (tool("item_list", "List the items of a Bitwarden vault (titles only).", vault="string"), "secrets", False),
    (tool("item_get", "Get a catalogue item of the shop.", server="shop-mcp", item_id="string"), "secrets", False),
    # Environment variables of a project hold its keys; environments themselves do not.
    (tool("project_env_vars_list", "List a project's environment variables.", project="string"), "secrets", True),
    (tool("set_env_var", "Set an environment variable of a service.", key="string", value="string"), "secrets", True),
    (tool("list_environments", "List the deployment environments.", project="string"), "secrets", False),
    # A creation that hands back a new key creates a credential.
    (tool("create_bot", "Create a bot and get its API key.", name="string"), "secrets", True),
    (tool("create_bot", "Create a bot that answers questions about the docs.", name="string"), "secrets", False),
    # Row-level security decides who may read which rows.
    (tool("enable_rls", "Enable row-level security on a table.", table="string"), "permissions", True),
    (tool("add_rls_policy", "Add a policy.", table="string", using="string"), "permissions", True),
    (tool("get_rls_policies", "Get the row-level security policies.", table="string"), "permissions", False),
    (tool("enable_row_cache", "Enable the row cache of a table.", table="string"), "permissions", False),
    # Connecting to a host the caller names reaches the network; connecting a wallet extension does not.
    (
        tool("connect_db", "Connect to a MySQL server.", host="string", user="string", password="string"),
        "network_egress",
        True,
    ),
    (tool("connect_wallet", "Connect the browser wallet extension."), "network_egress", False),
    # A hosting platform named by its server; a platform word next to "devops" is a developer service.
    (tool("list_services", "List all services.", server="render-mcp", limit="integer"), "infrastructure", True),
    (tool("list_services", "List all services.", server="acme-crm-mcp", limit="integer"), "infrastructure", False),
    (
        tool("get_deploys", "Get the deploy history of a service.", server="render-mcp", id="string"),
        "infrastructure",
        True,
    ),
    (tool("list_projects", "List the projects.", server="azure-devops-mcp"), "infrastructure", False),
    (tool("create_branch", "Create a branch.", server="azure-devops-server", name="string"), "infrastructure", False),
    (tool("list_projects", "List the projects.", server="gcp-mcp"), "infrastructure", True),
    # Paths inside a remote document store or a CI server are not the local disk.
    (
        tool("create_doc", "Create a document in a Firestore collection.", collection_path="string", data="object"),
        "filesystem",
        False,
    ),
    (tool("download_artifact", "Download a build artifact's text.", artifact_path="string"), "filesystem", False),
    (tool("read_text", "Read a local text file.", file_path="string"), "filesystem", True),
    # The user's own wallet, chosen by name, is their account; an address on a public chain is anyone's to read.
    (tool("btc_balance", "Get the Bitcoin wallet balance in sats.", wallet_name="string"), "private_data", True),
    (tool("btc_history", "Get Bitcoin transaction history.", wallet_name="string"), "private_data", True),
    (
        tool("address_balance", "Get the bitcoin balance of an address in sats.", address="string"),
        "private_data",
        False,
    ),
    # Infrastructure-as-code services: workspaces and runs are infrastructure; registry docs are not.
    (
        tool("listWorkspaces", "List workspaces in an organization.", server="terraform-mcp", org="string"),
        "infrastructure",
        True,
    ),
    (tool("lockStack", "Lock a stack.", server="pulumi-cloud-mcp", stack="string"), "infrastructure", True),
    (
        tool("moduleDetails", "Get a registry module's inputs.", server="terraform-mcp", module="string"),
        "infrastructure",
        False,
    ),
    # A WHERE clause the caller writes is SQL text; a filter object of a vector store is not.
    (
        tool("update_rows", "Update rows in a table.", table="string", data="object", where="string"),
        "code_execution",
        True,
    ),
    (
        tool("get_documents", "Get documents from a collection.", collection="string", where="object"),
        "code_execution",
        False,
    ),
    # Log and trace query languages are query text like SQL.
    (tool("query_stats", "Statistics of matching log streams.", logql="string"), "code_execution", True),
    # JSONPath or XPath walks a document, not the disk.
    (tool("get_dashboard_part", "Get part of a dashboard.", uid="string", jsonPath="string"), "filesystem", False),
    (tool("read_part", "Read part of a local file.", filePath="string"), "filesystem", True),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"), CAPABILITY_CASES, ids=[f"{c[0]['name']}-{c[1]}-{c[2]}" for c in CAPABILITY_CASES]
)
def test_rules_find_the_capability(t: dict[str, Any], capability: str, present: bool) -> None:
    assert (capability in capabilities(t)) is present


def test_every_fresh_rule_leaves_evidence() -> None:
    """The evidence names the new rule, so a reviewer can see why a wallet sweep is Financial."""
    t = tool("wallet_sweep", "Sweep the entire balance to one address.", wallet="string", address="string")
    result = classify_features([extract_features(t)], None, use_model=False)[0]
    assert any("money.sweeps_balance" in str(e) for e in result["evidence"])
