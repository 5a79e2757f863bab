"""Apply the reviewed relabelling decisions of classifier/data/LABELLING.md to the training files.

Each decision names one row (file, server, tool name), the capabilities to add or remove, an optional new
category, and the LABELLING.md section that justifies it. The rows were found with
scripts/label_candidates.py (rules and labels disagree) and decided one by one by the conventions; nothing
here is copied from a classifier's output. The script is idempotent and refuses a decision that matches no
row, so a stale decision cannot silently do nothing.

    python scripts/relabel_by_conventions.py            # rewrite the files, print counts per kind
    python scripts/relabel_by_conventions.py --dry-run  # only print what would change
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from catalog.taxonomy import Capability
from classifier.training import CRAWLED_PATH, TRAINING_PATH

CAP_ORDER = [c.value for c in Capability]


@dataclass(frozen=True)
class Decision:
    path: Path
    server: str  # the "# server:" value, "" for written examples
    tool: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    category: str | None = None
    why: str = ""  # the LABELLING.md section


def _many(server: str, tools: str, why: str, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> list[Decision]:
    return [Decision(CRAWLED_PATH, server, t, add, remove, None, why) for t in tools.split()]


P, F, IN, U = ("private_data",), ("filesystem",), ("infrastructure",), ("untrusted_content",)
PD, FS, INF, UC = "private_data", "filesystem", "infrastructure", "untrusted_content"

DECISIONS: list[Decision] = [
    # -- private_data: an organisation's non-public business records (LABELLING.md, private_data 1-2)
    Decision(TRAINING_PATH, "", "get_invoice", P, why=PD),
    Decision(TRAINING_PATH, "", "list_orders", P, why=PD),
    *_many(
        "pypi:freshbooks-mcp",
        """freshbooks_list_vendors freshbooks_get_vendor freshbooks_list_bills freshbooks_get_bill
        freshbooks_list_credit_notes freshbooks_get_credit_note freshbooks_list_estimates freshbooks_get_estimate
        freshbooks_list_expenses freshbooks_get_expense freshbooks_list_invoices freshbooks_get_invoice""",
        PD,
        P,
    ),
    *_many("npm:@lockon0927/woocommerce-mcp", "woo_reports_orders", PD, P),
    *_many(
        "pypi:bonuspay-mcp",
        "get_order get_payment_deposit_event_list get_refund_order get_withdraw_order",
        PD,
        P,
    ),
    *_many(
        "pypi:pipedrive-mcp",
        """list_deals get_deal search_deals list_organizations get_organization search_organizations
        list_activities get_activity list_users get_user list_notes get_note list_leads get_lead search_leads""",
        PD,
        P,
    ),
    *_many("npm:linear-mcp-server", "linear_get_user_issues", PD, P),
    *_many("npm:@aashari/mcp-server-atlassian-jira", "jira_get", PD, P),
    *_many("npm:resend-mcp", "list-contact-segments list-contact-topics", PD, P),
    # -- private_data: a person's own account holdings and history (private_data 3)
    *_many("pypi:hyperliquid-mcp-tools", "hl_get_user_state hl_get_open_orders hl_get_fills", PD, P),
    *_many(
        "pypi:hyperliquid-mcp",
        "get_positions get_open_orders get_order_status get_user_fills get_user_fills_by_time",
        PD,
        P,
    ),
    *_many("npm:agentcash", "get_balance", PD, P),
    # -- private_data: mail, chat and personal notes (private_data 1)
    *_many("npm:mcp-discord", "discord_read_messages discord_get_forum_post", PD, P + U),
    *_many("pypi:mcp-server-esignatures", "list_template_collaborators", PD, P),
    *_many("pypi:basic-memory", "view_note search_notes search_notes_ui read_note_ui read_note", PD, P),
    *_many("npm:@allpepper/memory-bank-mcp", "memory_bank_read", PD, P),
    *_many("pypi:vault-mcp", "vault_list vault_backlinks vault_read", PD, P),
    # -- untrusted_content: text written by third parties comes back (untrusted_content 1)
    Decision(TRAINING_PATH, "", "list_emails", U, why=UC),
    Decision(TRAINING_PATH, "", "search_papers", U, why=UC),
    Decision(TRAINING_PATH, "", "get_page_snapshot", U, why=UC),
    Decision(TRAINING_PATH, "", "get_meeting_transcript", U, why=UC),
    *_many(
        "npm:firecrawl-mcp",
        "firecrawl_research_search_papers firecrawl_research_inspect_paper firecrawl_research_related_papers",
        UC,
        U,
    ),
    *_many("npm:@makeplane/plane-mcp-server", "list_cycle_issues list_module_issues", UC, U),
    # -- filesystem: tools whose objects are files of a local directory (filesystem 1-2)
    *_many("pypi:basic-memory", "ls find list_directory write_note move_note delete_note", FS, F),
    *_many(
        "pypi:vault-mcp",
        "vault_write vault_read vault_edit vault_delete vault_rename vault_list vault_backlinks",
        FS,
        F,
    ),
    *_many("npm:@allpepper/memory-bank-mcp", "memory_bank_read memory_bank_write memory_bank_update", FS, F),
    *_many("pypi:minimax-mcp", "generate_video text_to_image voice_design", FS, F),
    # -- infrastructure: cloud and cluster resources (infrastructure 1-3)
    *_many("pypi:mcp-server-docker", "build_image", INF, IN),
    *_many("npm:mcp-server-kubernetes", "stop_port_forward", INF, IN),
    *_many(
        "pypi:aws-iot-core-mcp-server",
        "list_certificates get_certificate set_certificate_status delete_certificate modify_thing_principal",
        INF,
        IN,
    ),
    *_many("pypi:azure-iot-hub-mcp-server", "get_device_statistics get_service_statistics", INF, IN),
    # -- categories: explain/plan of caller-written SQL is code_execution (categories, explain)
    Decision(TRAINING_PATH, "", "explain_query", ("code_execution",), category="Execute", why="category"),
    # restoring a backup over the current state replaces it wholesale (categories, restore)
    Decision(CRAWLED_PATH, "pypi:hass-mcp", "restore_dashboard", category="Destructive", why="category"),
    # re-creating the server's own API clients changes nothing beyond the call (categories, connect)
    Decision(CRAWLED_PATH, "npm:mcp-server-kubernetes", "kubectl_reconnect", category="Read", why="category"),
    # -- Explain / plan queries: analysing caller-written SQL statements (here for indexes, by planning them) is
    # Execute with code_execution (LABELLING.md "Explain / plan queries"), like the explain tools of the same server
    Decision(
        CRAWLED_PATH,
        "pypi:postgres-mcp",
        "analyze_query_indexes",
        ("code_execution",),
        category="Execute",
        why="category",
    ),
    # -- infrastructure 1: a cloud's monitoring resources (metrics, log groups and their Logs Insights queries)
    # are read and run like the server's other tools on them (get_metric_data, get_logs_insight_query_results)
    *_many(
        "pypi:awslabs.cloudwatch-mcp-server",
        "get_metric_metadata execute_log_insights_query cancel_logs_insight_query",
        INF,
        IN,
    ),
]


def _rewrite(line: str, d: Decision) -> str:
    parts = line.split(" | ")
    caps = {c.strip() for c in parts[1].split(",") if c.strip() not in ("", "-")}
    caps = (caps | set(d.add)) - set(d.remove)
    parts[1] = ",".join(c for c in CAP_ORDER if c in caps) or "-"
    if d.category:
        parts[0] = d.category
    return " | ".join(parts)


def apply(decisions: list[Decision], dry_run: bool = False) -> Counter[str]:
    """Rewrite every file's matching rows; returns counts of changed labels per kind."""
    counts: Counter[str] = Counter()
    used: set[Decision] = set()
    for path in {d.path for d in decisions}:
        by_key: dict[tuple[str, str], list[Decision]] = {}
        for d in decisions:
            if d.path == path:
                by_key.setdefault((d.server, d.tool), []).append(d)
        server = ""
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# server:"):
                server = line.split(":", 1)[1].strip()
            row = [] if line.startswith("#") or not line.strip() else by_key.get((server, line.split(" | ")[2]), [])
            if row:
                used.update(row)
                new = line
                for d in row:
                    new = _rewrite(new, d)
                if new != line:
                    old_caps = set(line.split(" | ")[1].split(","))
                    new_caps = set(new.split(" | ")[1].split(","))
                    for cap in sorted(new_caps - old_caps - {"-"}):
                        counts[f"+{cap}"] += 1
                    for cap in sorted(old_caps - new_caps - {"-"}):
                        counts[f"-{cap}"] += 1
                    if new.split(" | ")[0] != line.split(" | ")[0]:
                        counts["category"] += 1
                    if dry_run:
                        print(f"{path.name}:{server}: {line[:90]}\n  -> {new[:90]}")
                line = new
            out.append(line)
        if not dry_run:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    unused = [d for d in decisions if d not in used]
    if unused:
        raise SystemExit(f"decisions matching no row: {[(d.server, d.tool) for d in unused]}")
    return counts


def main(argv: list[str]) -> int:
    counts = apply(DECISIONS, dry_run="--dry-run" in argv)
    for kind, n in sorted(counts.items()):
        print(f"{kind}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
