"""network_egress and untrusted_content: requests to caller-chosen hosts, and text written by third parties.

A ``url`` parameter is egress only when the tool fetches it (fetch, scrape, navigate, screenshot a page);
storing a link in a bookmark is not. Web search, fetched pages, news, mail, chat and issue threads return
text someone else wrote, which an agent must treat as untrusted.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import VERB_CATEGORY, Signal, resource_first_actions
from classifier.rules.content import AGGREGATES, CHAT_WORDS, NOT_CONTENT, WORKSPACE_PRODUCTS, model_chat
from classifier.rules.execution import SCANS
from classifier.text import plain

URL_PARAMS = plain(
    """url urls uri endpoint host hostname target_url page_url webpage_url website site_url link href base_url
    api_url request_url website_url webhook webhook_url feed_url rss_url source_url"""
)
FETCH_WORDS = plain(
    """fetch scrape crawl navigate browse visit open request http https curl download get read extract screenshot
    ping whois dns lookup check analyze analyse load call go goto capture render summarize"""
)
WEB_NAMES = plain("fetch scrape crawl http request curl webpage web url navigate browse website")
THIRD_PARTY = plain(
    """internet news article articles tweet tweets reddit subreddit forum post posts comment comments review
    reviews email emails mail inbox message messages chat chats thread threads issue issues discussion
    discussions feed rss hackernews transcript transcripts webpage website page pages scrape crawl youtube
    stackoverflow tavily brave google bing duckduckgo exa serp perplexity arxiv paper papers social wikipedia
    wiki documentation mentions answers questions releases"""
)
THREADS = plain("issue issues ticket tickets")
# More text other people wrote: what a scraper brings back, a pull request's thread.
MORE_THIRD_PARTY = plain("scraper scrapers")
SEARCH_WEB = plain("web internet news google bing brave duckduckgo serp tavily exa perplexity online youtube videos")


WEB_WORDS = plain("url http https web website webpage page fetch download request")
NO_CONTENT = plain("ping check whois dns lookup status resolve measure test")
# Reading what an automated browser shows: the page's text was written by whoever runs the site.
BROWSERS = plain("browser browsers playwright puppeteer selenium webdriver browserbase hyperbrowser stagehand chrome")
PAGE_TEXT = plain("text html content dom markdown snapshot extract observe accessibility elements")
# An autonomous browsing agent goes wherever its task leads and returns what the pages say.
AGENT_WORDS = plain("agent research")
COMPUTER_USE = plain("computer")
HTTP_METHODS = plain("get post put patch delete head options")
# Items of a tracker or a board that colleagues write (tasks, cards, stories, work items, their comments).
TRACKER_ITEMS = plain(
    """task tasks subtask subtasks card cards story stories ticket tickets workitem workitems comment comments issue issues
    replies mentions"""
)
TRACKER_CONTEXT = WORKSPACE_PRODUCTS | plain("board boards project projects workspace sprint backlog devops kanban")
# Parts of a pull request that are code or status, not the text people wrote.
PR_NOT_TEXT = plain("diff diffs commit commits file files change changes status statuses check checks build builds")
FROM_URL = re.compile(
    r"from (?:a |the |an )?(?:public )?url|by providing a url|download(?:s|ing)? (?:it |the \w+ )?from"
)


# Issues a code analyser found (Codacy, SonarQube, Semgrep): findings the analyser wrote, not people's text.
CODE_ANALYSERS = plain("codacy sonarqube sonarcloud semgrep snyk deepsource codeql linter lint sast")
ANALYSIS_PHRASES = ("code quality", "static analysis")
# "nuclei_scan_start(target)": a network scanner probes the target the caller names.
SCAN_TARGETS = plain("target targets host hosts ip ips domain domains")
NOT_NETWORK_SCANS = plain(
    "path file files directory folder repository repo code image images container dependency dependencies package"
)
URL_WORDS = plain("url urls")  # word lists used on every tool: built once, not looked up per call
FETCH_NAMES = plain("fetch scrape crawl curl http")


def detect(f: ToolFeatures) -> list[Signal]:
    out: list[Signal] = []
    actions = resource_first_actions(f)
    verb = actions[0] if actions else None
    browsing_agent = f.name_set & AGENT_WORDS and "user" not in f.name_set  # not a "user agent" string
    if browsing_agent and (f.name_set | f.server_words) & (BROWSERS | COMPUTER_USE):
        why = ",".join(sorted((f.name_set | f.server_words) & (BROWSERS | COMPUTER_USE | AGENT_WORDS)))
        return [
            Signal("egress.browsing_agent", "Execute", why),
            Signal("egress.browsing_agent", "network_egress", why),
            Signal("egress.browsing_agent", "untrusted_content", why),
        ]
    url_params = sorted(f.param_names & URL_PARAMS)
    hosts = f.param_names & plain("uri host hostname url connection_string endpoint")
    if verb in plain("connect reconnect") and hosts:
        # LABELLING.md "Connect / disconnect": network_egress when the caller chooses the host or URI.
        return [Signal("egress.connects_to", "network_egress", "param:" + ",".join(sorted(hosts)))]
    if url_params and f.name_set & HTTP_METHODS and (f.name_set | f.desc_set) & plain("http https"):
        out.append(Signal("egress.http_method", "network_egress", ",".join(sorted(f.name_set & HTTP_METHODS))))
    if url_params == ["uri"] and f.desc_set.isdisjoint(WEB_WORDS):
        url_params = []  # a resource URI (dataset, document) is an identifier, not an address to fetch
    # Whether the tool fetches its URL parameters (only ever read together with them).
    fetches = bool(url_params) and (verb in FETCH_WORDS or bool(f.name_set & WEB_NAMES) or verb is None)
    if url_params and fetches and verb not in plain("create add update set save bookmark store delete remove"):
        out.append(Signal("egress.url_parameter", "network_egress", "param:" + ",".join(url_params)))
    elif f.param_desc_words & URL_WORDS and f.desc_set & plain("crawled crawl crawls scrape scrapes"):
        out.append(Signal("egress.url_parameter", "network_egress", "param description: url"))
    elif "url" in f.name_set and VERB_CATEGORY.get(verb or "") == "Read" and not f.params:
        out.append(Signal("egress.url_in_name", "network_egress", "name:url"))
    elif f.name_set & FETCH_NAMES and not url_params and f.param_words & plain("url uri link"):
        out.append(Signal("egress.url_parameter", "network_egress", "name:" + ",".join(sorted(f.name_set & WEB_NAMES))))
    elif url_params and f.description and FROM_URL.search(f.description):
        out.append(Signal("egress.downloads_url", "network_egress", FROM_URL.search(f.description).group(0)))
    if not out and (scanned := _scans_network_target(f)):
        out.append(Signal("egress.scan_target", "network_egress", "param:" + scanned))
    if not out and verb == "connect" and url_params:
        # "connect_db(host, user, password)": the caller chooses the server the tool opens a connection to.
        out.append(Signal("egress.connects_to_host", "network_egress", "param:" + ",".join(url_params)))
    if (
        url_params
        and f.name_set & plain("request http curl")
        and not any(s.supports == "untrusted_content" for s in out)
    ):
        out.append(Signal("egress.http_response", "untrusted_content", "param:" + ",".join(url_params)))
        return out
    read_like = verb is None or VERB_CATEGORY.get(verb) == "Read"
    if read_like:
        name_third = f.name_set & THIRD_PARTY if f.name_words and f.name_words[-1] not in NOT_CONTENT else set()
        if f.name_words and f.name_words[-1] not in NOT_CONTENT:
            name_third = name_third | (f.name_set & MORE_THIRD_PARTY)
            if "pull" in f.name_set and f.name_words[-1] in ("request", "requests"):
                name_third = name_third | {"pull_request"}  # the request itself, not its files or status
        if name_third and name_third <= THREADS and _analysis_findings(f):
            name_third = set()
        if name_third and (f.name_set & WORKSPACE_PRODUCTS or f.server_words & WORKSPACE_PRODUCTS):
            name_third = name_third - plain("page pages issue issues file files")
            # Issue and ticket bodies are written by other people (LABELLING.md untrusted_content 1), in a
            # tracker too; pages and files of a workspace are the user's own.
            name_third |= f.name_set & THREADS
        if name_third & CHAT_WORDS and model_chat(f):
            name_third = name_third - CHAT_WORDS  # the model's reply, not a chat people wrote
        if (
            "search" in f.name_set
            and (f.name_set & SEARCH_WEB or f.desc_set & SEARCH_WEB)
            and f.name_set.isdisjoint(AGGREGATES)  # "search_analytics": a search console's figures
        ):
            third = f.name_set & THIRD_PARTY | f.desc_set & THIRD_PARTY
            out.append(Signal("egress.web_search", "untrusted_content", ",".join(sorted(third & SEARCH_WEB))))
        elif name_third:
            out.append(Signal("egress.third_party_text", "untrusted_content", ",".join(sorted(name_third))))
        elif written := _written_by_colleagues(f):
            out.append(Signal("egress.tracker_text", "untrusted_content", written))
        elif url_params and fetches and verb not in NO_CONTENT:
            out.append(Signal("egress.fetched_page", "untrusted_content", "param:" + ",".join(url_params)))
        elif f.name_set & PAGE_TEXT and verb not in NO_CONTENT and (f.name_set & BROWSERS or f.server_words & BROWSERS):
            words = ",".join(sorted(f.name_set & PAGE_TEXT))
            out.append(Signal("egress.browser_page", "untrusted_content", words))
    return out


def _analysis_findings(f: ToolFeatures) -> bool:
    """Whether a tool's "issues" are a code analyser's findings (LABELLING.md untrusted_content 2: the
    service's own structured data), not a tracker's issues that people write."""
    if (f.name_set | f.desc_set | f.server_words) & CODE_ANALYSERS:
        return True
    return any(phrase in f.description for phrase in ANALYSIS_PHRASES)


def _scans_network_target(f: ToolFeatures) -> str:
    """The target parameters of a network scan (nuclei, nmap): the scanner sends its probes wherever the caller
    says, as a fetch does (network_egress). A scan of a path, a repository or an image reads what is local."""
    if f.name_set.isdisjoint(SCANS) or f.param_names.isdisjoint(SCAN_TARGETS):
        return ""
    if (f.name_set | f.desc_set | f.param_words) & NOT_NETWORK_SCANS:
        return ""
    return ",".join(sorted(f.param_names & SCAN_TARGETS))


def _written_by_colleagues(f: ToolFeatures) -> str:
    """What makes a read return text colleagues wrote: a tracker's tasks or cards, or a pull request.

    Why (LABELLING.md, untrusted_content 1): issue and ticket bodies and their comments are third-party text,
    whatever the tracker calls them (tasks, cards, stories, work items); a pull request carries its
    description and review comments. Counts, diffs and commit lists are not free text.
    """
    if not f.name_words or f.name_words[-1] in NOT_CONTENT or f.name_set & plain("count counts stats statistics"):
        return ""
    items = f.name_set & TRACKER_ITEMS
    if items and (f.name_set | f.desc_set | f.server_words) & TRACKER_CONTEXT:
        return ",".join(sorted(items))
    pull_request = (
        "pull" in f.name_set and ("request" in f.name_set or "requests" in f.name_set) or f.name_set & plain("pr prs")
    )
    if pull_request and not f.name_set & PR_NOT_TEXT and not (f.name_set & THREADS and _analysis_findings(f)):
        return "pull request"
    return ""
