"""Rules added after measuring a fresh held-out set of security, observability, notes, database, code-analysis
and desktop servers (issue 5, branch fresh-d).

Each case is written by hand in the shape of an error class seen on servers the classifier had never met
(log query languages, query generators and validators, scan jobs, reset budgets, document-database
containers, code analysers' issues), with a look-alike the rule must leave alone. Decisions are checked by
the rules alone (no model), so a rule that fires but loses to another family's signal fails here too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_rules_generalize import capabilities, decided, tool

CATEGORY_CASES = [
    # LogQL, TraceQL and NRQL are query languages the caller writes (taxonomy.md: PromQL and the like).
    (tool("query_logs", "Query the log streams. Args: query: a LogQL expression.", query="string"), "Execute"),
    (tool("trace_search", "Search traces with a TraceQL query string.", query="string"), "Execute"),
    (tool("nr_query", "Query New Relic data with NRQL.", query="string", account_id="integer"), "Execute"),
    (tool("logs_search", "Search the log lines for a plain text term.", query="string"), "Read"),
    # Turning words into query text, or checking its syntax, runs nothing (taxonomy.md: "converts or validates").
    (
        tool("generate_query_from_text", "Convert a question to the Acme Query Language (AQL) with the assistant."),
        "Read",
    ),
    (tool("verify_statement", "Check the syntax of a Dynatrace Query Language statement without running it."), "Read"),
    (tool("run_dql", "Run a Dynatrace Query Language statement and return the records."), "Execute"),
    # A scan started as a job is Execute; reading a finished scan's results is a Read.
    (tool("vuln_scan_start", "Begin a vulnerability scan.", target="string", templates="string"), "Execute"),
    (tool("scan_launch", "Launch a port scan of the given hosts.", hosts="string"), "Execute"),
    (tool("scan_results", "Get the findings of a finished scan.", scan_id="string"), "Read"),
    # Resetting a spent query budget is a limit reset (LABELLING.md: Write); resetting data is Destructive.
    (tool("reset_query_budget", "Reset the bytes-scanned budget of this session so queries can run again."), "Write"),
    (tool("reset_dataset", "Reset the dataset to an empty state.", dataset_id="string"), "Destructive"),
]


@pytest.mark.parametrize(("t", "category"), CATEGORY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else v)
def test_rules_decide_the_category(t: dict[str, Any], category: str) -> None:
    assert decided(t) == category


CAPABILITY_CASES = [
    # A network scanner sends probes wherever the caller says.
    (tool("scan_start", "Start a nuclei scan.", target="string", severity="string"), "network_egress", True),
    (tool("scan_hosts", "Scan the hosts for open ports.", hosts="string"), "network_egress", True),
    (tool("scan_repository", "Scan a repository's code for secrets.", target="string"), "network_egress", False),
    (tool("scan_image", "Scan a container image for vulnerabilities.", target="string"), "network_egress", False),
    # A Cosmos DB container holds documents; a Docker container is a compute resource.
    (
        tool("list_containers", "List the containers of the CosmosDB database with their partition key paths."),
        "infrastructure",
        False,
    ),
    (
        tool("container_stats", "Document count and partition key distribution of a container.", container="string"),
        "infrastructure",
        False,
    ),
    (tool("list_containers", "List the running Docker containers on the host."), "infrastructure", True),
    # A code analyser's issues are its own findings; a tracker's issues carry what people wrote.
    (
        tool("analysis_get_issue", "Get an issue Codacy found in a repository.", issue_id="string"),
        "untrusted_content",
        False,
    ),
    (
        tool("list_repository_issues", "List the code quality issues of a repository.", repo="string"),
        "untrusted_content",
        False,
    ),
    (
        tool("list_pull_request_issues", "List the static analysis issues a pull request adds.", pr="integer"),
        "untrusted_content",
        False,
    ),
    (
        tool("get_issue", "Get an issue of the repository with its comments.", number="integer"),
        "untrusted_content",
        True,
    ),
    (tool("get_pull_request", "Get a pull request with its description.", number="integer"), "untrusted_content", True),
    # "Run the analysis locally" with a root path: the local disk, even next to a repository parameter.
    (
        tool("cli_analyze", "Run the quality analysis locally with the CLI.", repository="string", rootPath="string"),
        "filesystem",
        True,
    ),
    (
        tool("get_repo_file", "Read a file of a GitHub repository.", repository="string", path="string"),
        "filesystem",
        False,
    ),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"), CAPABILITY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else str(v)
)
def test_rules_find_the_capability(t: dict[str, Any], capability: str, present: bool) -> None:
    assert (capability in capabilities(t)) is present


SECOND_CATEGORY_CASES = [
    # A dotted "resource.action" name: the resource word ("list") is not the action.
    (tool("list.create", "Create a list under a folder.", input="string"), "Write"),
    (tool("list.delete", "Delete a list by ID (irreversible).", input="string"), "Destructive"),
    (tool("list.add_task", "Add an existing task to a list.", input="string"), "Write"),
    (tool("list_tasks", "List the tasks of a list.", list_id="string"), "Read"),
    (tool("tasks.list", "List the tasks of a project.", project_id="string"), "Read"),
    # A soft delete with a permanent option: the permanent one is what it can do.
    (
        tool("delete_chart", "Remove a chart by archiving it (soft delete) or permanently.", hard_delete="boolean"),
        "Destructive",
    ),
    (tool("delete_chart", "Archive a chart (soft delete, it can be restored).", chart_id="integer"), "Write"),
]


@pytest.mark.parametrize(
    ("t", "category"), SECOND_CATEGORY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else v
)
def test_rules_decide_the_category_of_the_second_set(t: dict[str, Any], category: str) -> None:
    assert decided(t) == category


def with_operation(name: str, description: str, values: list[str]) -> dict[str, Any]:
    """A tool whose ``operation`` parameter chooses what it does to a note (add, remove, list...)."""
    props = {"filePath": {"type": "string"}, "operation": {"type": "string", "enum": values}}
    return {"name": name, "description": description, "inputSchema": {"type": "object", "properties": props}}


def test_removing_a_tag_among_the_operations_is_a_write() -> None:
    assert decided(
        with_operation(
            "notes_manage_tags", "Manages a note's tags: adding, removing and listing them.", ["add", "remove"]
        )
    ) == ("Write")
    assert decided(with_operation("notes_manage_files", "Add or remove notes.", ["add", "remove"])) == "Destructive"


SECOND_CAPABILITY_CASES = [
    # Public keys are made to be shared; text that says the secret key is never handed out hands none out.
    (tool("export_public_key", "Export a public key.", fingerprint="string"), "secrets", False),
    (
        tool("export_ssh_key", "Export an auth subkey in OpenSSH public key format.", fingerprint="string"),
        "secrets",
        False,
    ),
    (tool("card_status", "Show the smartcard's status. No private key material is returned."), "secrets", False),
    (tool("export_private_key", "Export the private key of the wallet.", wallet="string"), "secrets", True),
    (tool("export_ssh_key", "Export the SSH private key of the server.", server_id="string"), "secrets", True),
    # A REST route in the description: the folders are the service's, not the disk's.
    (tool("folder.get", "Get a folder by ID. HTTP: GET /folder/{folder_id}.", input="string"), "filesystem", False),
    (tool("get_folder", "List the files of a local folder.", folder_path="string"), "filesystem", True),
    # A download returned inline is not saved.
    (
        tool("download_attachment", "Download an attachment; returns the content inline.", filename="string"),
        "filesystem",
        False,
    ),
    (tool("download_attachment", "Download an attachment to disk.", filename="string"), "filesystem", True),
    # A workspace's containers are not its records; its tasks are.
    (tool("space.list", "List spaces in a ClickUp workspace.", input="string"), "private_data", False),
    (tool("folder.list_in_space", "List folders of a ClickUp space.", input="string"), "private_data", False),
    (tool("list_tasks", "List the tasks of a ClickUp list.", list_id="string"), "private_data", True),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"), SECOND_CAPABILITY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else str(v)
)
def test_rules_find_the_capability_in_the_second_set(t: dict[str, Any], capability: str, present: bool) -> None:
    assert (capability in capabilities(t)) is present


def test_running_health_checks_is_a_read_and_running_a_job_is_not() -> None:
    assert decided(tool("doctor", "Run read-only health checks for the binary and the keyring.")) == "Read"
    assert decided(tool("nightly", "Run the nightly export job now.")) == "Execute"


def test_a_saved_query_run_by_its_id_is_not_caller_written_code() -> None:
    saved = tool("execute_card", "Run a saved card query and return the data results.", card_id="integer")
    written = tool("run_query", "Run a SQL query and return the results.", sql="string")
    assert "code_execution" not in capabilities(saved)
    assert "code_execution" in capabilities(written)
