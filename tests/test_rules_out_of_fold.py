"""Rules added for whole classes of tools the rules got wrong out of fold (``scripts/rule_errors.py``).

Every case is written by hand in the shape of such a class, each with a look-alike the rule must leave alone,
and decided end to end by the rules alone (no model), so a rule that fires but loses to another family fails.
"""

from __future__ import annotations

import pytest

from classifier.engine import classify_features
from classifier.features import extract_features
from tests.test_rules_generalize import tool


def classified(t: dict) -> dict:
    return classify_features([extract_features(t)], None, use_model=False)[0]


CAPABILITY_CASES = [
    # Public chains are public whoever serves them: a chain RPC server's transactions and balances.
    (tool("get_tx", "Get a transaction by its hash.", server="evm-node-rpc", tx_hash="string"), "private_data", False),
    (tool("get_balance", "查询指定地址的余额", server="blockchain-pay-kit", address="string"), "private_data", False),
    (tool("get_transactions", "List the transactions of the bank account."), "private_data", True),
    # Validating or decoding what the caller passes in reads nobody's records.
    (tool("validate_invoice", "Validate an invoice XML document.", xml_content="string"), "private_data", False),
    (tool("decode_transaction", "Decode a raw transaction hex string.", hex_string="string"), "private_data", False),
    (tool("get_invoice", "Get an invoice of the account by ID.", invoice_id="string"), "private_data", True),
    # An account's vocabulary (tags, labels) is not its records, even when the description says whose it is.
    (tool("get_all_tags", "Get all tags associated with the user's account."), "private_data", False),
    (tool("get_all_notes", "Get all notes associated with the user's account."), "private_data", True),
    # "Authenticated" orders and positions are the caller's own account.
    (tool("list_positions", "List authenticated positions."), "private_data", True),
    (tool("list_markets", "List authenticated markets."), "private_data", False),
    # A person's money accounts at a brokerage, a bank or a budgeting app.
    (tool("list_accounts", "List all brokerage accounts of the user."), "private_data", True),
    (
        tool("get_manual_account", "Get one manually-managed account.", server="budget-helper", id="string"),
        "private_data",
        True,
    ),
    (tool("list_accounts", "List the AWS accounts of the organization."), "private_data", False),
    # The people of a workspace or a realm; IAM principals and public profiles are not personal records.
    (tool("list_users", "List users in a realm.", realm="string"), "private_data", True),
    (tool("get_workspace_members", "Get all members in the current workspace."), "private_data", True),
    (tool("get_current_user", "Fetch the current user's details."), "private_data", True),
    (tool("list_users", "List IAM users in the account.", path_prefix="string"), "private_data", False),
    (tool("list_user_settings", "List the settings of the user."), "private_data", False),
    # Explaining or planning caller-written SQL is Execute with code_execution (LABELLING.md).
    (
        tool("get_query_plan", "Get the query plan for a SQL query in the warehouse.", query="string"),
        "code_execution",
        True,
    ),
    (tool("explain_query", "Explain the execution plan of a SQL statement.", sql="string"), "code_execution", True),
    (tool("get_plan", "Get the subscription plan of the workspace.", plan_id="string"), "code_execution", False),
    (tool("format_sql", "Format a SQL statement for display.", sql="string"), "code_execution", False),
    # IoT: a device's shadow, twin or methods are its state, not the platform's registry.
    (tool("get_thing_shadow", "Read a thing's shadow document.", server="aws-iot-core"), "infrastructure", False),
    (tool("get_device_twin", "Fetch a device's twin.", server="azure-iot-hub", id="string"), "infrastructure", False),
    (tool("list_things", "List things in the registry.", server="aws-iot-core"), "infrastructure", True),
    (tool("create_device", "Register a device identity.", server="azure-iot-hub", id="string"), "infrastructure", True),
    # A queue's messages are its content; the queue itself is a resource.
    (tool("queue_send_message", "Send a message to a queue.", queue_id="string"), "infrastructure", False),
    (tool("queue_get_message", "Get a message from a queue.", queue_id="string"), "infrastructure", False),
    (tool("queue_create", "Create a queue in the cloud account.", name="string"), "infrastructure", True),
    # A message to devices reaches machines (physical), a message to a channel reaches people.
    (
        tool("publish_message", "Publish a message to the device fleet.", server="fleet-iot-hub", topic="string"),
        "sends_communication",
        False,
    ),
    (
        tool("publish_message", "Publish a message to the device fleet.", server="fleet-iot-hub", topic="string"),
        "physical",
        True,
    ),
    (tool("send_message", "Send a message to a chat channel.", channel="string"), "sends_communication", True),
    (
        tool("invoke_module_method", "Invoke a direct method on a device module.", server="iot-hub", id="string"),
        "physical",
        True,
    ),
    (
        tool("get_module_method", "Read a method's result on a device.", server="iot-hub", id="string"),
        "physical",
        False,
    ),
    (tool("invoke_method", "Invoke a method of a plugin.", server="plugin-host", name="string"), "physical", False),
    # A home-automation hub's service calls act on the home's devices; reading its services does not.
    (
        tool("call_service_tool", "Call any Home Assistant service.", server="hass-bridge", domain="string"),
        "physical",
        True,
    ),
    (tool("list_services", "List Home Assistant services.", server="hass-bridge"), "physical", False),
    (tool("call_service", "Call a microservice endpoint.", server="mesh-tools", name="string"), "physical", False),
    # Autonomous browsing agents reach hosts the task chooses and return what the pages say.
    (tool("browser_use_agent", "", server="cloud-browsers", task="string"), "network_egress", True),
    (tool("claude_computer_use_agent", "", server="cloud-browsers", task="string"), "untrusted_content", True),
    (
        tool("playwright_custom_user_agent", "Set a custom User Agent for the browser.", agent="string"),
        "network_egress",
        False,
    ),
    (tool("create_support_agent", "Create a support agent profile.", name="string"), "network_egress", False),
    # An HTTP method tool sends a request to the caller's URL, whatever the method.
    (tool("http_post", "Make an HTTP POST request to the URL.", url="string", body="string"), "network_egress", True),
    (
        tool("create_post", "Create a blog post with a cover link.", url="string", body="string"),
        "network_egress",
        False,
    ),
    # A path inside a local checkout or a local document is the disk; a JSON path or an API path is not.
    (tool("git_status", "Shows the working tree status.", repo_path="string"), "filesystem", True),
    (tool("get_file_contents", "Get a file from a GitHub repository.", path="string"), "filesystem", False),
    (
        tool("merge_table_cells", "Merge cells of a table.", server="office-word-tools", filename="string"),
        "filesystem",
        True,
    ),
    (
        tool("merge_table_cells", "Merge cells of a table.", server="sheets-cloud", filename="string"),
        "filesystem",
        False,
    ),
    (
        tool("json_get", "Get a value at the given JSON path of a key.", name="string", path="string"),
        "filesystem",
        False,
    ),
    (tool("read_text", "Read the text file at the given path.", path="string"), "filesystem", True),
    # A cloud provider's billing data describes resources, not a person's money; a shop's orders are its records.
    (tool("list_billing_views", "List the billing views of the AWS account.", period="string"), "private_data", False),
    (tool("list_orders", "List all orders.", server="headless-commerce", status="string"), "private_data", True),
    (tool("list_billing_history", "List the billing history of the user's account."), "private_data", True),
    # A mail's or a message's attachments are that mail's content; a CMS's uploaded attachments are not mail.
    (tool("get_attachment", "Fetch one email attachment.", message_id="string"), "private_data", True),
    (tool("list_page_attachments", "List attachments of a wiki page.", page_id="string"), "private_data", False),
    # An exchange account's own history; an instrument's price history is public market data.
    (tool("binance_get_fiat_history", "Walk fiat deposit and withdraw history.", since="string"), "private_data", True),
    (tool("binance_get_price_history", "Get the price history of a symbol.", symbol="string"), "private_data", False),
    (tool("get_all_wallets", "Retrieve all wallets with balances."), "private_data", True),
    # A platform's pipelines, spaces and namespaces are resources; its docs, rules and price lists are not.
    (tool("pipelines_list", "List deployment pipelines.", server="heroku-tools"), "infrastructure", True),
    (tool("pipelines_list", "List CI pipelines of a project.", server="ci-helper"), "infrastructure", False),
    (
        tool("search_eks_troubleshoot_guide", "Search the EKS troubleshooting guide.", q="string"),
        "infrastructure",
        False,
    ),
    (tool("get_pricing_service_codes", "Get the AWS service codes of the price list."), "infrastructure", False),
    # A cloud's monitoring (CloudWatch alarms, metrics, log groups) reads its resources; app logs elsewhere do not.
    (tool("get_active_alarms", "Get all CloudWatch alarms in ALARM state.", region="string"), "infrastructure", True),
    (tool("describe_log_groups", "List AWS log groups.", prefix="string"), "infrastructure", True),
    (
        tool("get_logs", "Get the application's logs from the tracing service.", trace_id="string"),
        "infrastructure",
        False,
    ),
    # Pull request threads and scraped pages are written by other people; a pull request's file list is not text.
    (tool("get_pull_request", "Get details of a pull request.", number="integer"), "untrusted_content", True),
    (
        tool("get_pull_request_files", "List the files changed in a pull request.", number="integer"),
        "untrusted_content",
        False,
    ),
    (tool("amazon_search_scraper", "Scrape search results.", query="string"), "untrusted_content", True),
    # Connecting to a caller-chosen URI reaches that host; reconnecting to the configured one does not.
    (tool("connect_mongodb", "Connect to a different MongoDB URI.", uri="string"), "network_egress", True),
    (
        tool("connect_original", "Connect back to the original MongoDB URI.", validate="boolean"),
        "network_egress",
        False,
    ),
    # Push services and chat webhooks deliver to people; a webhook or a queue alone reaches programs.
    (tool("bark_send_notify", "Push a notification through Bark.", title="string"), "sends_communication", True),
    (
        tool("discord_send_webhook_message", "Send a message to a channel via webhook.", text="string"),
        "sends_communication",
        True,
    ),
    (tool("send_webhook_message", "Send a JSON payload to a webhook.", url="string"), "sends_communication", False),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"),
    CAPABILITY_CASES,
    ids=[f"{c[0]['name']}-{c[1]}-{c[2]}" for c in CAPABILITY_CASES],
)
def test_rules_decide_the_capability(t: dict, capability: str, present: bool) -> None:
    assert (capability in classified(t)["capabilities"]) is present


CATEGORY_CASES = [
    # Actions on an automated browser whose verb no verb list knows ("select", "resize", "go back", "act").
    (tool("playwright_select", "Select an element on the page with a Select tag.", selector="string"), "Execute"),
    (tool("puppeteer_resize", "Resize the browser viewport.", width="integer"), "Execute"),
    (tool("scraping_browser_go_back", "Go back to the previous page."), "Execute"),
    (tool("stagehand_act", "Perform a single action on the page.", server="cloud-browserbase"), "Execute"),
    (tool("select", "Pick the best option from a list.", options="array"), "Read"),
    (tool("playwright_screenshot", "Take a screenshot of the current page."), "Read"),
    # An explain tool over caller SQL is Execute; one that takes filter fields is a Read.
    (tool("explain_query", "Explain the execution plan of a SQL statement.", sql="string"), "Execute"),
    (tool("explain_find", "Explain a MongoDB find with a filter object.", filter="object"), "Read"),
    # A free HTTP method and path reach every operation of an API, DELETE included.
    (tool("restful", "Makes a direct REST API call to the CRM.", path="string", method="string"), "Destructive"),
    (tool("api_request", "Perform a general HTTP API request.", method="string", path="string"), "Destructive"),
    (tool("get_endpoint_docs", "Docs for any API endpoint.", method="string", path="string"), "Read"),
    (tool("create_route", "Create a route for an API.", method="string", path="string"), "Write"),
    (tool("browser_use_agent", "", server="cloud-browsers", task="string"), "Execute"),
    # Resetting a limit or a counter is a reversible update; resetting data is Destructive.
    (tool("reset_order_group", "Reset an order group's rolling limit.", group_id="string"), "Write"),
    (tool("reset_database", "Reset the database to an empty state.", db="string"), "Destructive"),
    # A batch call that carries a list of things to delete can destroy them; plain batch updates are edits.
    (
        tool("orders_batch_update", "Batch update orders.", create="array", update="array", delete="array"),
        "Destructive",
    ),
    (tool("orders_batch_update", "Batch update orders.", create="array", update="array"), "Write"),
    # "Write or append" with a mode parameter still overwrites by default; an append-only tool does not.
    (
        tool("write_file", "Write or append to file contents.", path="string", content="string", mode="string"),
        "Destructive",
    ),
    (tool("write_log_file", "Append a line to the log file.", path="string", line="string"), "Write"),
    # Switching something on or off is a targeted update.
    (tool("activate_alert", "Activate or deactivate a price alert.", alert_id="string"), "Write"),
    (tool("deactivate_application", "Deactivate an application.", app_id="string"), "Write"),
    # The server's own connection to a database or an API is a Read; a shell on a remote machine is Execute.
    (tool("connect_to_database", "Connect to a database and keep the connection.", database="string"), "Read"),
    (tool("connect_mongodb", "Connect to a different MongoDB URI.", uri="string"), "Read"),
    (tool("connect_ssh", "Open an SSH shell session to a remote host.", host="string"), "Execute"),
    # Removing a collaborator or a document's password protection is undone by adding it back.
    (tool("remove_template_collaborator", "Removes the template collaborator.", id="string"), "Write"),
    (tool("remove_password_protection", "Remove password protection from a document.", filename="string"), "Write"),
    (tool("remove_template", "Removes the template.", id="string"), "Destructive"),
    # A free operation parameter whose description lists deletions can destroy; incidental words cannot.
    (tool("bulk_operations", "Perform bulk inserts, updates, or deletes.", operations="string"), "Destructive"),
    (tool("set_email_flags", "Add or remove IMAP flags such as \\Deleted.", operation="string"), "Write"),
    (
        tool(
            "cost_hub",
            "Retrieves recommendations (rightsizing, stopping, deleting idle resources).",
            operation="string",
        ),
        "Read",
    ),
]


@pytest.mark.parametrize(("t", "category"), CATEGORY_CASES, ids=[c[0]["name"] for c in CATEGORY_CASES])
def test_rules_decide_the_category(t: dict, category: str) -> None:
    assert classified(t)["category"] == category
