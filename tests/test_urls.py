"""Repository and package link normalisation (crawler.urls)."""

from __future__ import annotations

import pytest

from crawler.urls import normalize_repo_url, package_from_url, parse_repo_url


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/Owner/Repo",
        "http://github.com/owner/repo",
        "https://www.github.com/owner/repo/",
        "https://github.com/owner/repo.git",
        "git+https://github.com/owner/repo.git",
        "git@github.com:owner/repo.git",
        "ssh://git@github.com/owner/repo",
        "github:owner/repo",
        "github.com/owner/repo",
        "https://github.com/owner/repo#readme",
        "https://github.com/owner/repo?tab=readme",
        "<https://github.com/owner/repo>",
        "https://github.com.mcas.ms/owner/repo",
    ],
)
def test_spellings_of_one_repository_share_a_key(url: str) -> None:
    assert normalize_repo_url(url) == "https://github.com/owner/repo"


def test_case_is_kept_for_display_and_folded_for_the_key() -> None:
    ref = parse_repo_url("https://github.com/Owner/Repo.git")
    assert ref is not None
    assert ref.url == "https://github.com/Owner/Repo"
    assert ref.key == "https://github.com/owner/repo"


def test_tree_link_keeps_branch_and_subfolder() -> None:
    ref = parse_repo_url("https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem/")
    assert ref is not None
    assert (ref.owner, ref.name, ref.branch, ref.subfolder) == (
        "modelcontextprotocol",
        "servers",
        "main",
        "src/filesystem",
    )


def test_blob_link_to_a_file_points_at_its_folder() -> None:
    ref = parse_repo_url("https://github.com/o/r/blob/main/docs/server/README.md")
    assert ref is not None and ref.subfolder == "docs/server" and ref.branch == "main"
    root = parse_repo_url("https://github.com/o/r/blob/main/README.md")
    assert root is not None and root.subfolder is None


def test_gitlab_dash_tree_link() -> None:
    ref = parse_repo_url("https://gitlab.com/group/proj/-/tree/dev/mcp")
    assert ref is not None and (ref.host, ref.branch, ref.subfolder) == ("gitlab.com", "dev", "mcp")


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/owner",
        "https://github.com/topics/mcp",
        "https://github.com/orgs/acme/repositories",
        "https://github.com/user-attachments/assets/abc",
        "https://example.com/owner/repo",
        "mailto:someone@example.com",
        "#section",
        "",
        None,
    ],
)
def test_non_repositories(url: str | None) -> None:
    assert parse_repo_url(url) is None


@pytest.mark.parametrize(
    ("url", "key", "version"),
    [
        ("npm:@scope/pkg", "npm:@scope/pkg", None),
        ("npm:plain-pkg@1.2.3", "npm:plain-pkg", "1.2.3"),
        ("pypi:Some_Pkg", "pypi:some_pkg", None),
        ("pypi:mcp-thing==0.4", "pypi:mcp-thing", "0.4"),
        ("https://www.npm.mirror.example/package/@scope/web-tool", "npm:@scope/web-tool", None),
        ("https://npm.mirror.example/package/left-pad/v/1.3.0", "npm:left-pad", "1.3.0"),
        ("https://pypi.mirror.example/project/mcp-server-x/", "pypi:mcp-server-x", None),
        ("https://pypi.mirror.example/project/mcp-server-x/1.0.2/", "pypi:mcp-server-x", "1.0.2"),
    ],
)
def test_package_links(url: str, key: str, version: str | None) -> None:
    ref = package_from_url(url)
    assert ref is not None
    assert ref.key() == key
    assert ref.version == version


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r",
        "https://example.com/package/foo",
        "npm:",
        "pypi:not a name",
        "https://docs.example/project/x",
    ],
)
def test_not_packages(url: str) -> None:
    assert package_from_url(url) is None
