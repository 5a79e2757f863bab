"""Rules added after measuring a fresh held-out set of unseen servers (chat, mail, trackers, browsers, shells,
code hosting, IoT and robots, health data).

Each case is written here by hand in the shape of a class of tools (not copied from any server), with a
look-alike the rule must leave alone. Decisions are checked end to end by the rules alone (no model), so a
rule that fires but loses to another family's signal fails here too.
"""

from __future__ import annotations

import pytest

from classifier.engine import classify_features
from classifier.features import extract_features


def tool(tool_name: str, description: str = "", server: str = "", **params: str | dict) -> dict:
    props = {k: (v if isinstance(v, dict) else {"type": v}) for k, v in params.items()}
    out = {"name": tool_name, "description": description, "inputSchema": {"type": "object", "properties": props}}
    if server:
        out["server"] = server
    return out


def decision(t: dict) -> dict:
    return classify_features([extract_features(t)], None, use_model=False)[0]


CATEGORY_CASES = [
    # Device control named by the description: turning on a plug, dimming a lamp, robot goals and services.
    (tool("turn_on", "Turn on a smart plug device.", device="string"), "Execute"),
    (tool("set_brightness", "Set the brightness of a bulb.", device="string", level="integer"), "Execute"),
    (tool("send_goal", "Send a goal to a ROS action server.", action="string", goal="object"), "Execute"),
    (tool("publish", "Publish messages to MQTT topics.", messages="array"), "Execute"),
    (tool("set_mode", "Set the editor mode for the current buffer.", mode="string"), "Write"),
    (tool("set_device_name", "Set the display name of a device.", name="string"), "Write"),
    # Switching a browser tab and closing a terminal session are actions on a browser or a terminal.
    (tool("browser_switch_tab", "Switch to a specific tab.", index="integer"), "Execute"),
    (tool("terminal_close", "Close terminal session.", terminal_id="string"), "Execute"),
    (tool("switch_branch", "Switch the default branch of a project.", branch="string"), "Write"),
    # A "*_write" tool grouping a service's write operations is not a file overwrite.
    (
        tool("repo_thread_write", "Write operations for review comment threads.", filePath="string", text="string"),
        "Write",
    ),
    (tool("write", "Write text to a file at the path.", path="string", content="string"), "Destructive"),
    # Adding or removing a reviewer through an action enum is undone by doing the opposite.
    (
        tool(
            "pr_write",
            "Update pull request reviewers.",
            reviewerAction={"type": "string", "enum": ["add", "remove"]},
        ),
        "Write",
    ),
    (tool("item_op", "Operate on an item.", action={"type": "string", "enum": ["create", "delete"]}), "Destructive"),
    # A home automation platform's "*_control" tools switch devices; scheduling a backup job starts a process.
    (tool("scene_control", "Manage and activate Home Assistant scenes.", action="string"), "Execute"),
    (tool("flow_control", "Manage the flow settings of the editor.", action="string"), "Write"),
    (tool("schedule_backup", "Schedule a recurring backup with a cron expression.", cron="string"), "Execute"),
    (tool("schedule_meeting", "Schedule a meeting with a contact.", when="string"), "Write"),
    # A description that calls the tool destructive to existing data; "non-destructive" does not count.
    (tool("db_import", "Import a dump. It is destructive to existing data.", file="string"), "Destructive"),
    (tool("db_sync", "Sync the index; a non-destructive operation.", index="string"), "Write"),
    # Downloading to a local path writes the disk.
    (tool("download_file", "Download a remote file.", remotePath="string", localPath="string"), "Write"),
]


@pytest.mark.parametrize(("t", "category"), CATEGORY_CASES, ids=[c[0]["name"] for c in CATEGORY_CASES])
def test_rules_decide_the_category(t: dict, category: str) -> None:
    assert decision(t)["category"] == category


CAPABILITY_CASES = [
    # physical: acting on a device or a robot; reading a robot's spec or a device's state is not acting.
    (tool("turn_off", "Turn off a smart plug device.", device="string"), "physical", True),
    (tool("music", "Start music mode for a smart light bulb.", device="string"), "physical", True),
    (tool("call_service", "Call a ROS service with the request data.", service="string"), "physical", True),
    (tool("set_parameter", "Set a single ROS parameter value.", name="string", value="string"), "physical", True),
    (tool("get_robot_spec", "Load the specification of a robot model.", name="string"), "physical", False),
    (tool("get_light_state", "Get the state of a smart light in the home.", entity="string"), "physical", False),
    (tool("play_track", "Start playback of a track on the active device.", uri="string"), "physical", False),
    (tool("start_process", "Start a terminal process on the device.", command="string"), "physical", False),
    (tool("tap_button", "Turn on the screen of the mobile device.", device="string"), "physical", False),
    (tool("bot_send_text", "Send a text message via the group robot.", text="string"), "physical", False),
    # A stored automation script picked by its entity ID is not code; an alarm's security code is a token.
    (
        tool("script_control", "Execute and manage Home Assistant scripts.", action="string", entity_id="string"),
        "code_execution",
        False,
    ),
    (tool("run_script", "Execute a shell script given as text.", script="string"), "code_execution", True),
    (
        tool(
            "alarm_control",
            "Arm or disarm the alarm panel.",
            code={"type": "string", "description": "Security code to disarm"},
        ),
        "code_execution",
        False,
    ),
    # A draft that is sent reaches its recipients; saving a draft does not.
    (tool("send_draft", "Send an existing draft.", id="string"), "sends_communication", True),
    (tool("create_draft", "Create a draft email.", to="string"), "sends_communication", False),
    # private_data: health data, clinical records, people's contact details.
    (tool("list_whoop_cycles", "List physiological cycles in a time window.", start="string"), "private_data", True),
    (tool("get_whoop_auth_status", "Report the OAuth token status."), "private_data", False),
    (tool("list_labels", "List all labels in the user's mailbox."), "private_data", False),
    (tool("get_sleep_data", "Get sleep data for a date range.", start_date="string"), "private_data", True),
    (tool("sleep", "Wait for a number of seconds.", seconds="number"), "private_data", False),
    (tool("search", "Execute a FHIR search on a resource type.", type="string"), "private_data", True),
    (tool("get_capabilities", "Metadata of a FHIR resource type.", type="string"), "private_data", False),
    (
        tool("list_team_members", "List members of a team. Returns names, email addresses and roles.", team="string"),
        "private_data",
        True,
    ),
    (tool("validate_address", "Validate an email address format.", email="string"), "private_data", False),
    (tool("list_calendars", "List the calendars of the account."), "private_data", False),
    # untrusted_content: a tracker's tasks and comments, a pull request, a browser's clickable elements.
    (tool("asana_get_task", "Get detailed information about a task.", task_id="string"), "untrusted_content", True),
    (tool("get_pull_request", "Get a pull request with its comments.", id="integer"), "untrusted_content", True),
    (tool("get_pull_request_diff", "Get the diff of a pull request.", id="integer"), "untrusted_content", False),
    (tool("get_task_counts", "Get the number of tasks in an Asana project."), "untrusted_content", False),
    (tool("get_next_task", "Get the next task from the local queue."), "untrusted_content", False),
    (tool("browser_get_clickable_elements", "Get the clickable elements of the page."), "untrusted_content", True),
    # sends_communication: a comment written on a task or a thread reaches its followers.
    (tool("create_task_story", "Create a comment or story on a task.", text="string"), "sends_communication", True),
    (tool("create_story", "Create a user story in the backlog.", title="string"), "sends_communication", False),
    # filesystem: a service's workspace, an IMAP folder and a hosted repository's folders are not the disk.
    (tool("set_active_workspace", "Set the active workspace for future operations."), "filesystem", False),
    (tool("create_mailbox", "Create a new mailbox folder on the IMAP server.", path="string"), "filesystem", False),
    (
        tool("list_directory", "List files and directories at a repository path.", server="bitbucket", path="string"),
        "filesystem",
        False,
    ),
    (tool("list_directory", "List files and directories at a path.", path="string"), "filesystem", True),
    # infrastructure: Azure DevOps projects are a developer service; Azure's own resources are cloud.
    (tool("core_list_projects", "List projects of the organization.", server="azure-devops"), "infrastructure", False),
    (tool("list_functions", "List Azure function apps.", server="azure"), "infrastructure", True),
    # code_execution: text matched against a diff, and a KQL filter of a message search, never run.
    (
        tool(
            "add_comment",
            "Add a comment on a pull request.",
            code_snippet={"type": "string", "description": "Exact diff line text to locate"},
        ),
        "code_execution",
        False,
    ),
    (
        tool(
            "search_messages",
            "Search messages across chats.",
            query={"type": "string", "description": "Supports KQL syntax like from:user"},
        ),
        "code_execution",
        False,
    ),
    (
        tool("run_query", "Run a KQL query on a Kusto table.", query={"type": "string", "description": "KQL"}),
        "code_execution",
        True,
    ),
]


@pytest.mark.parametrize(
    ("t", "capability", "present"),
    CAPABILITY_CASES,
    ids=[f"{c[0]['name']}-{c[1]}-{c[2]}" for c in CAPABILITY_CASES],
)
def test_rules_name_the_capability(t: dict, capability: str, present: bool) -> None:
    assert (capability in decision(t)["capabilities"]) is present
