"""Rules added after measuring a fresh held-out set of AI, search, marketing, shop, social, media and travel servers.

Each case is written by hand in the shape of an error class seen on servers the classifier had never met
(advertising platforms, OAuth token helpers, analytics reports, prompt-driven image generators), with a
look-alike the rule must leave alone. Decisions are checked by the rules alone (no model), so a rule that
fires but loses to another family's signal fails here too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_rules_generalize import capabilities, decided, tool

CATEGORY_CASES = [
    # An ad campaign or ad set with a spend budget or a bid commits the user to pay for what it buys.
    (tool("create_campaign", "", daily_budget="number", name="string", objective="string"), "Financial"),
    (tool("update_campaign", "", campaign_id="string", lifetime_budget="number", status="string"), "Financial"),
    (tool("create_ad_set", "", campaign_id="string", bid_amount="number", name="string"), "Financial"),
    (tool("adgroup_create", "Create an ad group.", campaignId="string", cpc_bid_micros="integer"), "Financial"),
    # Look-alikes: an e-mail campaign without a budget, a budgeting app's budget, reading a campaign's budget.
    (tool("create_campaign", "Create an e-mail campaign for a list.", list_id="string", subject="string"), "Write"),
    (tool("update_budget", "Update a category budget in the budgeting app.", budget="number"), "not Financial"),
    (tool("get_campaign", "Get a campaign with its budget.", campaign_id="string", daily_budget="number"), "Read"),
    # Making an access token is a Write (it creates a credential).
    (tool("generate_system_user_token", "", system_user_id="string", scopes="array"), "Write"),
    (tool("exchange_code_for_token", "", authorization_code="string"), "Write"),
    # Running a report computes figures: a Read; running a report job stays a process.
    (tool("runReport", "Run a report to get analytics data", startDate="string", metrics="array"), "Read"),
    (tool("run_report_job", "Start the nightly report job.", job_id="string"), "Execute"),
    # A media job whose name has no media word: the description and a prompt parameter say a model makes it.
    (
        tool("svgmaker_generate", "Generates an SVG image from a text prompt.", prompt="string", output="string"),
        "Execute",
    ),
    (tool("flux_edit", "Edits an existing image/photo based on a prompt.", prompt="string", url="string"), "Execute"),
    # Look-alikes: text about an image, and a prompt that makes text.
    (tool("generate_caption", "Generate alt text for an image.", prompt="string", image_url="string"), "Read"),
    (tool("generate_answer", "Generate a short answer from a prompt.", prompt="string"), "Read"),
]


@pytest.mark.parametrize(("t", "category"), CATEGORY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else v)
def test_rules_decide_the_category(t: dict[str, Any], category: str) -> None:
    negated = category.startswith("not ")
    assert (decided(t) == category.removeprefix("not ")) is not negated, decided(t)


CAPABILITY_CASES = [
    # An OAuth code exchange and a generated user token hand back a credential.
    (tool("exchange_code_for_token", "", authorization_code="string"), "secrets", True),
    (tool("generate_system_user_token", "", system_user_id="string"), "secrets", True),
    (tool("create_token", "Create a personal access token for the account.", name="string"), "secrets", True),
    # Look-alikes: launching a crypto token, exchanging tokens on a DEX, counting an LLM's tokens.
    (
        tool("create_token", "Deploy a new ERC20 token with a supply.", symbol="string", decimals="integer"),
        "secrets",
        False,
    ),
    (tool("exchange_tokens", "Exchange one token for another at the best rate.", amount="number"), "secrets", False),
    (tool("count_tokens", "Count the tokens of a prompt for a model.", text="string"), "secrets", False),
    (tool("generate_random_token", "Generate a random string.", length="integer"), "secrets", False),
    # Analytics figures are aggregates: page views, active-user metrics and a search console's analytics.
    (tool("getPageViews", "Get page view metrics for a date range", startDate="string"), "untrusted_content", False),
    (tool("getActiveUsers", "Get active users metrics for a date range", startDate="string"), "private_data", False),
    (
        tool("search_analytics", "Get search performance data from Google Search Console", siteUrl="string"),
        "untrusted_content",
        False,
    ),
    # Look-alikes: a site's pages are still fetched text, a user list still returns people, a web search results.
    (tool("get_pages", "Get the pages of a website.", url="string"), "untrusted_content", True),
    (tool("list_users", "List the users of the workspace with their e-mails.", team="string"), "private_data", True),
    (tool("google_search", "Search Google for web results.", q="string"), "untrusted_content", True),
    # Searching videos returns titles and descriptions their uploaders wrote.
    (tool("searchVideos", "Searches for YouTube videos matching a query.", query="string"), "untrusted_content", True),
    # A chat with a language model returns the model's reply; a messaging service's chat is people's text.
    (tool("ollama_chat", "Chat with a model.", model="string", messages="array"), "untrusted_content", False),
    (tool("ollama_chat", "Chat with a model.", model="string", messages="array"), "private_data", False),
    (tool("get_chat", "Get a chat with its messages.", chat_id="string"), "untrusted_content", True),
    # Storing a credential the caller hands over changes the server's credentials; a key-value "set_key" does not.
    (tool("configure_gemini_token", "Configure your Gemini API token.", apiKey="string"), "secrets", True),
    (tool("set_key", "Set a key to a value in the store.", key="string", value="string"), "secrets", False),
    # Public social profiles are public; a workspace's member list is people's data.
    (
        tool("instagram_get_user", "Get Instagram user profile with recent posts", username="string"),
        "private_data",
        False,
    ),
    (tool("linkedin_search_users", "Search LinkedIn users by keyword", q="string"), "private_data", False),
    (tool("slack_list_users", "List the users of the Slack workspace.", cursor="string"), "private_data", True),
    # Positions of aircraft are public tracking data; a broker account's positions are the holder's finances.
    (
        tool(
            "get_live_flights_positions", "Returns real-time aircraft positions for the user's area.", bounds="string"
        ),
        "private_data",
        False,
    ),
    (
        tool("get_positions", "Get the open positions of your brokerage account.", account="string"),
        "private_data",
        True,
    ),
    # A web page's "vitals" and a PWA's "readiness" are performance audits, not a wearable's health data.
    (tool("get_core_web_vitals", "Get Core Web Vitals metrics for a website", url="string"), "private_data", False),
    (tool("check_pwa_readiness", "Check Progressive Web App readiness"), "private_data", False),
    (tool("get_daily_readiness", "Get the Oura ring's daily readiness score.", date="string"), "private_data", True),
]


@pytest.mark.parametrize(
    ("t", "capability", "expected"), CAPABILITY_CASES, ids=lambda v: v["name"] if isinstance(v, dict) else str(v)
)
def test_rules_decide_the_capability(t: dict[str, Any], capability: str, expected: bool) -> None:
    assert (capability in capabilities(t)) is expected
