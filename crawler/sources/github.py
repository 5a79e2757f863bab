"""GitHub: repositories found by a search (default: the ``mcp-server`` topic) or named explicitly.

``--source github`` searches; ``--source github:owner/repo,owner/repo2`` names repositories;
``--source github:search=QUERY`` runs another search. Search results already carry the metadata (stars,
licence, default branch, pushed_at, archived), so discovery costs one request per 100 repositories; the fetch
phase downloads one tarball per repository at its default branch, with conditional metadata requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from crawler.merge import parse_github_url
from crawler.sources.base import DiscoveredServer, SourceContext

DEFAULT_QUERY = "topic:mcp-server"
PER_PAGE = 100
MAX_SEARCH_PAGES = 10  # GitHub search returns at most 1,000 results per query


def repo_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The repository metadata we keep, from a /repos/{o}/{r} or search item."""
    license_info = data.get("license") if isinstance(data.get("license"), dict) else {}
    return {
        "stars": data.get("stargazers_count"),
        "license": (license_info or {}).get("spdx_id") or None,
        "archived": data.get("archived"),
        "default_branch": data.get("default_branch"),
        "pushed_at": data.get("pushed_at"),
    }


def parse_repo(data: Any) -> DiscoveredServer | None:
    if not isinstance(data, dict) or not isinstance(data.get("full_name"), str):
        return None
    ref = parse_github_url(data.get("html_url") or f"https://github.com/{data['full_name']}")
    if ref is None:
        return None
    fields = repo_fields(data)
    license_id = fields["license"] if fields["license"] not in (None, "NOASSERTION") else None
    return DiscoveredServer(
        source="github",
        external_id=ref.full_name,
        name=data["full_name"],
        url=ref.url,
        description=data.get("description"),
        repository_url=ref.url,
        license=license_id,
        stars=fields["stars"],
        categories=[t for t in data.get("topics") or [] if isinstance(t, str)],
        extra={k: v for k, v in fields.items() if k in ("default_branch", "pushed_at", "archived") and v is not None},
    )


class GitHubSource:
    name = "github"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DiscoveredServer]:
        api = ctx.settings.github_api_url.rstrip("/")
        arg = (ctx.argument or "").strip()
        if arg and not arg.startswith("search="):
            for name in [a.strip() for a in arg.split(",") if a.strip()]:
                ref = parse_github_url(name if "github.com" in name else f"github:{name}")
                if ref is None:
                    raise ValueError(f"not a GitHub repository: {name!r} (expected owner/repo)")
                data = await ctx.http.get_json(f"{api}/repos/{ref.owner}/{ref.repo}")
                found = parse_repo(data)
                if found:
                    found.repository_subfolder = ref.subfolder
                    yield found
            return
        query = arg[len("search=") :] if arg else DEFAULT_QUERY
        if ctx.since:
            query += f" pushed:>={ctx.since[:10]}"
        page = int(ctx.state.get("page", 1))
        while page <= MAX_SEARCH_PAGES:
            params = {"q": query, "sort": "updated", "order": "desc", "per_page": PER_PAGE, "page": page}
            data = await ctx.http.get_json(f"{api}/search/repositories", params=params)
            items = data.get("items") if isinstance(data, dict) else None
            if not items:
                break
            for item in items:
                found = parse_repo(item)
                if found:
                    yield found
            if len(items) < PER_PAGE:
                break
            page += 1
            ctx.state["page"] = page
        ctx.state.pop("page", None)


SOURCE = GitHubSource()
