"""Collect real MCP tool definitions from npm and PyPI packages, for hand labelling as classifier training data.

Why: the classifier generalises from labelled examples; written examples alone do not cover how real servers
phrase their tools. This script downloads real server packages with the registries' own clients (the registry
URL comes from the user's npm and pip configuration, never from this file), extracts their tools statically with
the project's extractor (no crawled code is ever run), and keeps a JSON Lines work file outside the repository.
A person then labels each tool by taxonomy.md in a labels file, and ``render`` joins both into the committed
training file in the format of classifier/data/training_examples.txt.

Usage:
    python scripts/collect_training_tools.py fetch [--cache DIR] [--jobs 2] [--packages FILE]
    python scripts/collect_training_tools.py extract --gold /work/shared/data/gold/dev.jsonl [--cache DIR]
    python scripts/collect_training_tools.py todo [--cache DIR]          # tools extracted but not yet labelled
    python scripts/collect_training_tools.py render [--cache DIR] [--out classifier/data/training_crawled.txt]

Files under the cache folder (default ~/.cache/mcp-catalog/labels):
    dl/<registry>/          the downloaded archives (npm .tgz, PyPI wheel or sdist)
    tools.jsonl             one extracted tool a line: key, server, registry, package, name, description, params
    labels.tsv              the hand labels: ``key<TAB>category<TAB>capabilities`` (capabilities ``-`` for none)

The labels are keyed by a hash of the tool's name and description, so re-extracting never misaligns them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.taxonomy import TAXONOMY_VERSION, Capability, Category

DEFAULT_CACHE = Path.home() / ".cache" / "mcp-catalog" / "labels"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "classifier" / "data" / "training_crawled.txt"
MAX_DESCRIPTION = 400
DOWNLOAD_TIMEOUT = 180

# Real MCP server packages, grouped by domain so the set stays diverse (Financial tools are rare elsewhere).
# Names come from the MCPM registry install commands, the official registry seed and the awesome lists.
PACKAGES: dict[str, tuple[str, ...]] = {
    "finance": (
        "npm:@stripe/mcp", "npm:@stripe/agent-toolkit", "npm:@paypal/agent-toolkit", "npm:quickbooks-mcp",
        "pypi:freshbooks-mcp", "pypi:ibkr-mcp", "pypi:kalshi-mcp", "pypi:iflow-mcp-mcp-paradex", "pypi:iflow-mcp-polymarket-mcp",
        "pypi:e-invoice-mcp", "pypi:bitcoin-mcp", "pypi:blockchain-payment-mcp", "pypi:aerodrome-swap-mcp",
        "pypi:ibkr-core-mcp", "pypi:hyperliquid-mcp-tools", "pypi:kalshi-degen-mcp", "pypi:iflow-mcp-9crusher-mcp-server-kalshi",
        "pypi:evm-rpc-mcp", "pypi:codex-chats-mcp", "pypi:finance-trading-ai-agents-mcp", "npm:@paddle/paddle-mcp", "npm:@coingecko/coingecko-mcp", "npm:@mcpfun/mcp-server-ccxt",
        "npm:@bnb-chain/mcp", "npm:@lockon0927/woocommerce-mcp", "npm:shopify-mcp", "npm:@akutishevsky/lunchmoney-mcp",
        "npm:agentcash", "npm:@headless-commerce/mcp-server", "npm:stockquotes-mcp", "pypi:binance-mcp-server",
        "pypi:binance-futures-mcp", "pypi:coinex-mcp-server", "pypi:composer-trade-mcp", "pypi:amazing-binance-mcp",
        "pypi:aicw-mcp", "pypi:aurey-wallet-mcp", "pypi:banksync-mcp", "pypi:boundra-mcp", "pypi:bonuspay-mcp",
        "pypi:mcp-yahoo-finance", "pypi:coinmarketcap-mcp", "pypi:defi-mcp", "npm:@chargebee/mcp", "npm:@xeroapi/xero-mcp-server",
        "npm:xero-mcp",

        "pypi:alpaca-mcp-server", "pypi:fewsats-mcp", "pypi:armor-crypto-mcp", "pypi:thirdweb-mcp",
        "pypi:ergo-mcp", "npm:@mcpdotdirect/evm-mcp-server", "npm:@bankless/onchain-mcp", "npm:algorand-mcp",
        "npm:@magnetai/free-usdc-transfer", "npm:@mektigboy/server-hyperliquid",
        "pypi:coinbase-agentkit", "npm:octagon-mcp",
        "pypi:yfinance-mcp",
        "pypi:hyperliquid-mcp", "npm:@moralisweb3/api-mcp-server",
        "pypi:mcp-server-esignatures",
    ),
    "cloud_infra": (
        "npm:@cloudflare/mcp-server-cloudflare", "npm:@heroku/mcp-server", "npm:mcp-server-kubernetes",
        "npm:kubernetes-mcp-server", "npm:@strowk/mcp-k8s", "pypi:kubectl-mcp-tool", "pypi:mcp-server-docker",
        "pypi:docker-mcp", "npm:@azure/mcp", "npm:@netlify/mcp",
        "npm:@4everland/hosting-mcp", "npm:edgeone-pages-mcp", "npm:@doitintl/doit-mcp-server",
        "pypi:awslabs.eks-mcp-server", "pypi:awslabs.ecs-mcp-server", "pypi:awslabs.dynamodb-mcp-server",
        "pypi:awslabs.lambda-tool-mcp-server", "pypi:awslabs.cloudwatch-mcp-server",
        "pypi:awslabs.iam-mcp-server", "pypi:awslabs.s3-tables-mcp-server",
        "pypi:awslabs.aws-pricing-mcp-server", "pypi:awslabs.billing-cost-management-mcp-server",
        "pypi:awslabs.stepfunctions-tool-mcp-server", "pypi:awslabs.postgres-mcp-server",
        "pypi:awslabs.aws-api-mcp-server", "pypi:s3-mcp-server",
        "npm:@railway/mcp-server", "npm:@vercel/mcp-adapter",
        "pypi:mcp-server-apache-airflow", "npm:@upstash/mcp-server", "npm:@launchdarkly/mcp-server",
        "pypi:pagerduty-mcp",
    ),
    "databases": (
        "npm:@bytebase/dbhub", "npm:@modelcontextprotocol/server-postgres", "pypi:postgres-mcp",
        "pypi:mcp-server-sqlite", "pypi:mysql_mcp_server", "pypi:mcp-server-mariadb", "pypi:mssql_mcp_server",
        "npm:@benborla29/mcp-server-mysql", "npm:mongodb-mcp-server", "npm:mongodb-lens", "npm:mcp-mongo-server",
        "pypi:mcp-neo4j-cypher", "pypi:mcp-neo4j-memory", "pypi:mcp-neo4j-aura-manager",
        "npm:@alanse/mcp-neo4j-server", "pypi:mcp-clickhouse", "pypi:mcp-server-motherduck",
        "npm:@neondatabase/mcp-server-neon", "npm:@supabase/mcp-server-supabase", "pypi:mcp-server-qdrant",
        "pypi:chroma-mcp", "pypi:mcp-pinecone", "npm:@pinecone-database/mcp", "pypi:elasticsearch-mcp-server",
        "npm:@elastic/mcp-server-elasticsearch", "pypi:meilisearch-mcp", "npm:typesense-mcp-server",
        "pypi:greptimedb-mcp-server", "npm:influxdb-mcp-server", "pypi:singlestore-mcp-server",
        "pypi:mcp-server-starrocks", "pypi:mcp_snowflake_server", "pypi:mcp-tinybird", "pypi:hologres-mcp-server",
        "npm:@ergut/mcp-bigquery-server", "npm:@lishenxydlgzs/aws-athena-mcp", "npm:@gannonh/firebase-mcp",
        "npm:@felores/airtable-mcp-server", "pypi:redis-mcp-server", "pypi:bitable-mcp",
        "npm:@inoyu/mcp-unomi-server", "npm:@vectorize-io/vectorize-mcp-server", "npm:@llamaindex/mcp-server-llamacloud",
    ),
    "browsers_automation": (
        "npm:@playwright/mcp", "npm:@executeautomation/playwright-mcp-server", "npm:@modelcontextprotocol/server-puppeteer",
        "npm:@browserbasehq/mcp-server-browserbase", "npm:hyperbrowser-mcp", "npm:chrome-devtools-mcp",
        "npm:@agentdeskai/browser-tools-mcp", "pypi:mcp-server-browser-use", "npm:@mobilenext/mobile-mcp",
        "npm:ios-simulator-mcp", "npm:mcp-server-siri-shortcuts", "npm:@makehq/mcp-server", "npm:n8n-mcp",
        "npm:@integration-app/mcp-server",
    ),
    "messaging_email": (
        "npm:@modelcontextprotocol/server-slack", "npm:slack-mcp-server", "npm:@gongrzhe/server-gmail-autoauth-mcp",
        "npm:@gongrzhe/server-calendar-autoauth-mcp", "pypi:mcp-gsuite", "npm:@enescinar/twitter-mcp",
        "pypi:mac-messages-mcp", "npm:pushover-mcp", "pypi:mcp-notify", "npm:@twilio-alpha/mcp",
        "npm:resend-mcp", "npm:mcp-server-weibo", "pypi:telegram-mcp", "npm:mcp-discord",
        "npm:@ashdev/discourse-mcp-server",
        "pypi:mcp-email-server", "npm:@hubspot/mcp-server",
    ),
    "files_system": (
        "npm:@modelcontextprotocol/server-filesystem", "npm:@wonderwhy-er/desktop-commander", "npm:iterm-mcp",
        "npm:@simonb97/server-win-cli", "pypi:terminal-controller", "pypi:mcp-server-everything-search",
        "pypi:wcgw", "pypi:m2m-mcp-server-ssh-client", "npm:ssh-mcp", "pypi:mcp-shell-server",
        "pypi:excel-mcp-server", "pypi:office-word-mcp-server", "pypi:mcp-pandoc", "pypi:markitdown-mcp",
        "npm:@modelcontextprotocol/server-memory", "npm:@modelcontextprotocol/server-everything",
        "pypi:basic-memory", "pypi:mcp-obsidian", "npm:obsidian-mcp", "npm:@allpepper/memory-bank-mcp",
        "npm:mcp-server-code-runner", "npm:forevervm-mcp", "npm:@e2b/mcp-server", "npm:@riza-io/riza-mcp",
        "npm:@302ai/sandbox-mcp", "pypi:mcp-run-python",
    ),
    "devtools": (
        "pypi:mcp-server-git", "npm:@modelcontextprotocol/server-github", "npm:@modelcontextprotocol/server-gitlab",
        "npm:@zereight/mcp-gitlab", "npm:@cyanheads/git-mcp-server", "npm:@circleci/mcp-server-circleci",
        "pypi:mcp-server-sentry", "npm:@sentry/mcp-server", "npm:@raygun.io/mcp-server-raygun", "pypi:semgrep-mcp",
        "pypi:logfire-mcp", "npm:linear-mcp-server", "npm:@makeplane/plane-mcp-server", "npm:nx-mcp",
        "npm:vscode-mcp-server", "npm:mcp-neovim-server", "pypi:mcpxcodebuild", "npm:dart-mcp-server",
        "npm:diff-mcp", "npm:mcp-mermaid", "npm:@arizeai/phoenix-mcp", "npm:mcp-replicate",
        "npm:@aashari/mcp-server-atlassian-jira",
        "npm:@aashari/mcp-server-atlassian-bitbucket", "pypi:mcp-atlassian", "npm:@jetbrains/mcp-proxy",
        "npm:@shopify/dev-mcp", "npm:figma-developer-mcp",
        "pypi:mcp-server-ida", "npm:lightdash-mcp-server", "pypi:keboola-mcp-server", "npm:@postman/postman-mcp-server",
    ),
    "crm_productivity": (
        "pypi:mcp-salesforce-connector", "npm:@notionhq/notion-mcp-server", "npm:@abhiz123/todoist-mcp-server",
        "npm:productboard-mcp", "npm:holaspirit-mcp-server", "pypi:mcp-server-monday", "pypi:devhub-cms-mcp",
        "pypi:devrev-mcp", "npm:@ivotoby/contentful-management-mcp-server", "npm:@professional-wiki/mediawiki-mcp-server",
        "npm:goalstory-mcp", "npm:@translated/lara-mcp", "npm:rednote-mcp", "npm:@horizondatawave/mcp",
        "npm:@felores/cloudinary-mcp-server", "npm:@felores/placid-mcp-server", "pypi:servicenow-mcp",
        "pypi:pipedrive-mcp",

    ),
    "home_iot_media": (
        "pypi:hass-mcp", "pypi:ha-mcp", "pypi:clr-homeassistant-mcp", "pypi:aws-iot-core-mcp-server", "pypi:azure-iot-hub-mcp-server", "pypi:ableton-mcp",
        "pypi:blender-mcp", "pypi:elevenlabs-mcp", "pypi:minimax-mcp", "npm:@modelcontextprotocol/server-everart",
        "npm:@gongrzhe/image-gen-server", "npm:@gongrzhe/quickchart-mcp-server", "npm:@notainc/gyazo-mcp-server",
        "pypi:spotify-mcp", "pypi:mindmap-mcp-server", "npm:@41px/mcp-xmind", "npm:@llmindset/mcp-hfspace",
        "pypi:jinni-server",
    ),
    # Servers first labelled as a fresh held-out set (unseen by the classifier when measured), then trained on.
    "fresh_b_comms_productivity_iot": (
        "npm:@dhravya/apple-mcp", "npm:@floriscornel/teams-mcp", "npm:@codefuturist/email-mcp",
        "npm:@cocal/google-calendar-mcp", "npm:@roychri/mcp-server-asana", "npm:@delorenj/mcp-server-trello",
        "npm:@browsermcp/mcp", "npm:@agent-infra/mcp-server-browser", "npm:@kazuph/mcp-fetch",
        "npm:@mako10k/mcp-shell-server", "npm:@j0hanz/filesystem-mcp", "pypi:codemcp",
        "npm:@nexus2520/bitbucket-mcp-server", "npm:@azure-devops/mcp", "pypi:ros-mcp", "pypi:mqtt-mcp-server",
        "pypi:tuya-mcp-server", "npm:@coolver/home-assistant-mcp", "pypi:fhir-mcp-server", "pypi:oura-mcp-server",
    ),
    # A second fresh set, measured before and after the rule work on the first one (honest unseen-server figures).
    "fresh_b_second": (
        "npm:@chatwork/mcp-server", "npm:@shinzolabs/gmail-mcp", "npm:@isaacphi/mcp-gdrive",
        "npm:@tacticlaunch/mcp-linear", "npm:puppeteer-mcp-server", "pypi:hue-mcp-service", "pypi:whoop-mcp",
        "npm:mcp-ssh-manager", "pypi:homeassistant-mcp",
    ),
    "secrets_iam": (
        "npm:keycloak-model-context-protocol", "pypi:claude-vault-mcp", "pypi:bibliocommons-mcp-keycloak", "npm:@auth0/auth0-mcp-server", "npm:@infisical/mcp",
        "pypi:vault-mcp",
        "pypi:okta-mcp-server", "npm:@bitwarden/mcp-server",
    ),
    "search_docs": (
        "npm:@modelcontextprotocol/server-brave-search", "npm:exa-mcp-server", "npm:tavily-mcp", "pypi:mcp-tavily",
        "npm:firecrawl-mcp", "npm:@apify/actors-mcp-server", "npm:@apify/mcp-server-rag-web-browser",
        "npm:@brightdata/mcp", "pypi:duckduckgo-mcp-server", "pypi:mcp-server-fetch", "npm:fetcher-mcp",
        "pypi:oxylabs-mcp", "pypi:scrapling-fetch-mcp", "npm:search1api-mcp", "npm:server-perplexity-ask",
        "pypi:kagimcp", "pypi:openai-websearch-mcp", "pypi:mcp-rquest", "npm:agentql-mcp",
        "npm:@upstash/context7-mcp", "npm:graphlit-mcp-server", "pypi:mcp-scholarly", "pypi:dappier-mcp",
        "pypi:mcp-server-rememberizer", "npm:@programcomputer/nasa-mcp-server", "npm:mcp-server-rijksmuseum",
        "npm:@openbnb/mcp-server-airbnb", "npm:@amap/amap-maps-mcp-server", "npm:@baidumap/mcp-server-baidu-map",
        "npm:@modelcontextprotocol/server-google-maps", "npm:@delorenj/mcp-server-ticketmaster",
        "npm:@bharathvaj/whois-mcp", "pypi:f1-mcp-server", "pypi:fpl-mcp", "npm:ns-mcp-server",
        "npm:@mfukushim/map-traveler-mcp", "npm:@modelcontextprotocol/server-aws-kb-retrieval",
        "npm:@modelcontextprotocol/server-gdrive", "pypi:mcp-server-time", "pypi:mcp-proxy", "pypi:uns_mcp",
        "pypi:chronulus-mcp", "npm:@cartographai/atlas-docs-mcp", "npm:mcp-graphql-schema", "npm:openapi-mcp-server",
        "npm:mcp-openapi-schema", "npm:@khalidsaidi/ragmap-mcp", "npm:@getrember/mcp", "pypi:mcp-server-ds",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Package:
    registry: str  # npm | pypi
    name: str

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.name.lstrip("@"))


def all_packages(specs: Iterable[str] | None = None) -> list[Package]:
    """The packages to collect: the built-in domain lists, or `specs` (``REGISTRY:NAME``) when given."""
    out: list[Package] = []
    seen: set[str] = set()
    for names in [tuple(specs)] if specs is not None else PACKAGES.values():
        for spec in names:
            if spec in seen:
                continue
            seen.add(spec)
            registry, _, name = spec.partition(":")
            out.append(Package(registry, name))
    return out


# ---------------------------------------------------------------- download (I/O: the registries' own clients)


def download(pkg: Package, dest_root: Path) -> Path | None:
    """The package's archive in the cache (downloaded once), or None when the registry does not have it."""
    dest = dest_root / pkg.registry / pkg.slug
    existing = _archive_in(dest)
    if existing:
        return existing
    if (dest / ".missing").exists():
        return None
    dest.mkdir(parents=True, exist_ok=True)
    if pkg.registry == "npm":
        cmd = ["npm", "pack", pkg.name, "--pack-destination", str(dest), "--silent", "--ignore-scripts"]
    else:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--ignore-requires-python",
            "--quiet",
            pkg.name,
            "-d",
            str(dest),
        ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None
    found = _archive_in(dest)
    if found is None:
        (dest / ".missing").write_text(done.stderr[-2000:], encoding="utf-8")
    return found


def _archive_in(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if path.name.endswith((".tgz", ".tar.gz", ".whl", ".zip")):
            return path
    return None


# ---------------------------------------------------------------- extraction (static, via the project's extractor)


def extract_archive(archive: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Tools (as plain dicts) and problem texts of one package archive; never runs the package's code.

    When a language module fails on a whole folder (one odd file can make it raise), the files are retried one
    at a time, each with the folder's manifests, so the other files of the package still yield their tools.
    """
    from crawler.archive import ArchiveError, unpacked
    from crawler.extract import extract_path

    result = extract_path(archive)
    tools = [t.as_dict() | {"server": s.name} for s in result.servers for t in s.tools]
    problems = [f"{p.path}: {p.reason}" for p in result.problems]
    if not any("extractor failed" in p for p in problems):
        return tools, problems
    try:
        with unpacked(archive) as unpack:
            retried, more = _extract_file_by_file(unpack.root, extract_path)
    except ArchiveError as exc:
        return tools, [*problems, f"unpack failed: {exc}"]
    known = {(t["name"], t.get("description")) for t in tools}
    tools += [t for t in retried if (t["name"], t.get("description")) not in known]
    return tools, problems + more


def _extract_file_by_file(root: Path, extract_path: Any) -> tuple[list[dict[str, Any]], list[str]]:
    from crawler.extract.base import language_for

    tools: list[dict[str, Any]] = []
    problems: list[str] = []
    manifests = [p for p in root.glob("*") if p.name in ("package.json", "pyproject.toml", "setup.py")]
    sources = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and language_for(p.name)]
    for src in sources:
        if "node_modules" in src.parts or src.stat().st_size > 2_000_000:
            continue
        with tempfile.TemporaryDirectory(prefix="mcp-labels-one-") as tmp:
            for manifest in manifests:
                shutil.copyfile(manifest, Path(tmp) / manifest.name)
            shutil.copyfile(src, Path(tmp) / src.name)
            result = extract_path(Path(tmp))
        tools += [t.as_dict() | {"server": s.name} for s in result.servers for t in s.tools]
        problems += [f"{src.name}: {p.reason}" for p in result.problems]
    return tools, problems


# ---------------------------------------------------------------- pure helpers: keys, text, gold exclusion


def one_line(text: str | None) -> str:
    """A description as the training format holds it: one line, no field separator, at most 400 characters."""
    flat = " ".join((text or "").split()).replace("|", "/")
    return flat[:MAX_DESCRIPTION].rstrip()


def tool_key(name: str, description: str) -> str:
    return hashlib.sha1(f"{name}\x00{description}".encode()).hexdigest()[:12]


def params_text(schema: dict[str, Any] | None) -> str:
    """``name:type, ...`` from a JSON schema's top-level properties (the training format keeps only these)."""
    props = (schema or {}).get("properties") or {}
    if not isinstance(props, dict):
        return ""
    out = []
    for name, spec in props.items():
        typ = spec.get("type") if isinstance(spec, dict) else None
        if isinstance(typ, list):
            typ = next((t for t in typ if t != "null"), "string")
        if not isinstance(typ, str) or not typ:
            typ = "array" if isinstance(spec, dict) and "items" in spec else "string"
        clean = re.sub(r"[\s,:|]+", "_", str(name))
        out.append(f"{clean}:{typ}")
    return ", ".join(out)


STOP_TOKENS = frozenset({"mcp", "server", "model", "context", "protocol", "modelcontextprotocol", "io", "com"})


def server_tokens(name: str) -> frozenset[str]:
    """The distinctive words of a server or package name (``@stripe/mcp`` -> {stripe})."""
    return frozenset(t for t in re.split(r"[^a-z0-9]+", name.lower()) if len(t) > 1 and t not in STOP_TOKENS)


@dataclass
class GoldIndex:
    """What identifies a dev-set tool: its name per server, and its exact description."""

    names: dict[str, list[frozenset[str]]]
    descriptions: set[str]

    @classmethod
    def load(cls, path: Path | None) -> GoldIndex:
        names: dict[str, list[frozenset[str]]] = {}
        descriptions: set[str] = set()
        if path is None:
            return cls(names, descriptions)
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)  # only the identity fields are read, never the labels
            names.setdefault(row["tool"], []).append(server_tokens(row.get("server") or ""))
            if row.get("description"):
                descriptions.add(one_line(row["description"]))
        return cls(names, descriptions)

    def excludes(self, name: str, description: str, server_names: Iterable[str]) -> bool:
        if description and description in self.descriptions:
            return True
        ours = frozenset().union(*(server_tokens(s) for s in server_names))
        return any(not gold or gold & ours for gold in self.names.get(name, []))


# ---------------------------------------------------------------- commands


def read_package_list(path: Path) -> list[str]:
    """``REGISTRY:NAME`` lines of a package list file (``#`` starts a comment), e.g. a fresh held-out set."""
    specs = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        spec = raw.split("#", 1)[0].strip()
        if not spec:
            continue
        registry, _, name = spec.partition(":")
        if registry not in ("npm", "pypi") or not name:
            raise ValueError(f"{path}:{lineno}: expected 'npm:NAME' or 'pypi:NAME', got {raw!r}")
        specs.append(spec)
    return specs


def cmd_fetch(cache: Path, jobs: int, specs: list[str] | None = None) -> int:
    packages = all_packages(specs)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        found = list(pool.map(lambda p: (p, download(p, cache / "dl")), packages))
    missing = [f"{p.registry}:{p.name}" for p, a in found if a is None]
    print(f"{len(packages) - len(missing)} of {len(packages)} packages downloaded into {cache / 'dl'}")
    if missing:
        print("not on the registry (skipped): " + ", ".join(missing))
    return 0


def iter_archives(cache: Path, specs: list[str] | None = None) -> Iterator[tuple[Package, Path]]:
    for pkg in all_packages(specs):
        archive = _archive_in(cache / "dl" / pkg.registry / pkg.slug)
        if archive is not None:
            yield pkg, archive


EXTRACT_TIMEOUT = 240


def extracted_path(cache: Path, pkg: Package) -> Path:
    return cache / "extracted" / pkg.registry / f"{pkg.slug}.json"


def extract_cached(cache: Path, pkg: Package, archive: Path) -> dict[str, Any]:
    """One package's tools and problems, extracted once in a child process (a time limit a thread cannot give)."""
    out = extracted_path(cache, pkg)
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, __file__, "extract-one", str(archive), "--out", str(out)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=EXTRACT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            out.write_text(json.dumps({"tools": [], "problems": ["extraction timed out"]}), encoding="utf-8")
    if not out.exists():
        return {"tools": [], "problems": ["extraction failed in the child process"]}
    return json.loads(out.read_text(encoding="utf-8"))


def cmd_extract_one(archive: Path, out: Path) -> int:
    try:
        tools, problems = extract_archive(archive)
    except Exception as exc:  # one broken package must not stop the collection; it is logged
        tools, problems = [], [f"extraction raised {type(exc).__name__}: {exc}"]
    out.write_text(json.dumps({"tools": tools, "problems": problems}, default=str), encoding="utf-8")
    return 0


def cmd_extract(cache: Path, gold: Path | None, per_package: int, jobs: int, specs: list[str] | None = None) -> int:
    """Extract every downloaded package; at most `per_package` tools each, so no one large server dominates."""
    index = GoldIndex.load(gold)
    archives = list(iter_archives(cache, specs))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda pa: extract_cached(cache, *pa), archives))
    rows: dict[str, dict[str, Any]] = {}
    counts: Counter[str] = Counter()
    excluded = 0
    problems_log = []
    for (pkg, _), result in zip(archives, results, strict=True):
        problems_log += [f"{pkg.name}: {p}" for p in result["problems"]]
        for tool in result["tools"]:
            name = str(tool.get("name") or "").strip()
            description = one_line(tool.get("description"))
            if not name or " " in name:
                continue
            if index.excludes(name, description, (pkg.name, str(tool.get("server") or ""))):
                excluded += 1
                continue
            key = tool_key(name, description)
            if key in rows or counts[pkg.name] >= per_package:
                continue
            rows[key] = {
                "key": key,
                "registry": pkg.registry,
                "package": pkg.name,
                "server": tool.get("server") or pkg.name,
                "name": name,
                "description": description,
                "params": params_text(tool.get("input_schema")),
            }
            counts[pkg.name] += 1
    out = cache / "tools.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows.values()), encoding="utf-8")
    (cache / "problems.log").write_text("\n".join(problems_log) + "\n", encoding="utf-8")
    print(f"{len(rows)} unique tools from {len(counts)} packages -> {out}; {excluded} excluded as dev-set tools")
    return 0


def load_tools(cache: Path) -> list[dict[str, Any]]:
    path = cache / "tools.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def parse_labels(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """``key<TAB>category<TAB>caps`` lines; checked against the taxonomy so a typo fails loudly."""
    categories = {c.value for c in Category}
    capabilities = {c.value for c in Capability}
    labels: dict[str, tuple[str, tuple[str, ...]]] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            raise ValueError(f"labels line {lineno}: expected 'key category [caps]', got {raw!r}")
        key, category = parts[0], parts[1]
        caps = tuple(c for c in (parts[2] if len(parts) == 3 else "-").split(",") if c and c != "-")
        if category not in categories:
            raise ValueError(f"labels line {lineno}: unknown category {category!r}")
        bad = [c for c in caps if c not in capabilities]
        if bad:
            raise ValueError(f"labels line {lineno}: unknown capabilities {bad}")
        labels[key] = (category, caps)
    return labels


def cmd_todo(cache: Path) -> int:
    labels = parse_labels(_labels_text(cache))
    for row in load_tools(cache):
        if row["key"] not in labels:
            print(f"{row['key']} [{row['package']}] {row['name']} :: {row['description']} :: {row['params']}")
    return 0


def _labels_text(cache: Path) -> str:
    path = cache / "labels.tsv"
    return path.read_text(encoding="utf-8") if path.exists() else ""


HEADER = """\
# Training examples for the category model, labelled by hand by taxonomy.md.
# rubric_version: {version}
# Format: category | capabilities (comma-separated or -) | tool name | description | parameters (name:type, comma-separated)
# Real tools crawled from npm and PyPI packages (scripts/collect_training_tools.py) and labelled by hand.
# Tools of the dev gold set are excluded (by name and server, and by identical description): it is for measuring only.
# A line "# server: REGISTRY:PACKAGE" names the package (the server) that the tools below it come from.
"""


def render(tools: list[dict[str, Any]], labels: dict[str, tuple[str, tuple[str, ...]]]) -> str:
    """The training file's text: labelled tools only, in package order, one deduplicated line each."""
    lines = [HEADER.format(version=TAXONOMY_VERSION)]
    seen: set[tuple[str, str]] = set()
    server = None
    for row in tools:
        label = labels.get(row["key"])
        if label is None or (row["name"], row["description"]) in seen:
            continue
        seen.add((row["name"], row["description"]))
        package = f"{row['registry']}:{row['package']}"
        if package != server:  # the training loader groups the lines below by this header
            lines.append(f"# server: {package}\n")
            server = package
        category, caps = label
        fields = [category, ",".join(caps) or "-", row["name"], row["description"], row["params"]]
        lines.append(" | ".join(fields).rstrip() + "\n")
    return "".join(lines)


def cmd_render(cache: Path, out: Path) -> int:
    tools = load_tools(cache)
    labels = parse_labels(_labels_text(cache))
    text = render(tools, labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    n = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"{n} labelled tools -> {out} ({len(tools) - n} extracted tools not labelled)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("fetch", "extract", "todo", "render", "extract-one"))
    parser.add_argument("archive", nargs="?", type=Path, help="extract-one: the archive to extract")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="work folder (outside the repository)")
    parser.add_argument("--gold", type=Path, help="the dev gold set, whose tools are excluded")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--jobs", type=int, default=2, help="parallel downloads")
    parser.add_argument("--max-per-package", type=int, default=40, help="tools kept per package")
    parser.add_argument(
        "--packages", type=Path, help="a file of REGISTRY:NAME lines to use instead of the built-in lists"
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    try:
        specs = read_package_list(args.packages) if args.packages else None
    except (OSError, ValueError) as exc:
        print(f"error: cannot read the package list: {exc}", file=sys.stderr)
        return 2
    if args.command == "fetch":
        return cmd_fetch(args.cache, args.jobs, specs)
    if args.command == "extract":
        if args.gold is not None and not args.gold.is_file():
            print(f"error: the gold file {args.gold} does not exist; pass --gold PATH/dev.jsonl", file=sys.stderr)
            return 2
        return cmd_extract(args.cache, args.gold, args.max_per_package, args.jobs, specs)
    if args.command == "extract-one":
        if args.archive is None or args.out == DEFAULT_OUT:
            print("error: extract-one needs ARCHIVE and --out FILE.json", file=sys.stderr)
            return 2
        return cmd_extract_one(args.archive, args.out)
    if args.command == "todo":
        return cmd_todo(args.cache)
    return cmd_render(args.cache, args.out)


if __name__ == "__main__":
    sys.exit(main())
