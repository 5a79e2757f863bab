"""Client configuration files: discovery, JSONC, resolution of every entry, and no secret ever in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.cli import app
from crawler.clientconfig import (
    ConfigError,
    discover_config_files,
    read_all,
    read_config_file,
    resolve_entry,
    split_image,
    split_npm_spec,
    split_pypi_spec,
    strip_jsonc,
)
from crawler.secrets import looks_secret, redact_args

HOME = Path(__file__).parent / "fixtures" / "clientconfigs" / "home"
PROJECT = HOME / "project"
# Every secret value planted in the fixtures carries this marker (or is one of the listed values).
SECRET_MARKERS = ("FIXTURESECRET", "xoxb-FIXTURE", "hunter2", "T0FIXTURE", "eu-west-1")


def _by_name(path: Path, client: str | None = None) -> dict[str, object]:
    return {s.name: s for s in read_config_file(path, client)}


def test_discovers_one_file_per_client_location() -> None:
    found = {(client, str(path.relative_to(HOME))) for client, path in discover_config_files(HOME, PROJECT)}
    assert found == {
        ("claude-desktop", "Library/Application Support/Claude/claude_desktop_config.json"),
        ("claude-code", ".claude.json"),
        ("claude-code", "project/.mcp.json"),
        ("cursor", ".cursor/mcp.json"),
        ("cursor", "project/.cursor/mcp.json"),
        ("vscode", "project/.vscode/mcp.json"),
        ("vscode", ".config/Code/User/settings.json"),
        ("windsurf", ".codeium/windsurf/mcp_config.json"),
    }


def test_claude_desktop_entries_resolve() -> None:
    s = _by_name(HOME / "Library/Application Support/Claude/claude_desktop_config.json")
    assert s["github"].client == "claude-desktop"
    assert (s["github"].kind, s["github"].package, s["github"].version) == (
        "npm",
        "@modelcontextprotocol/server-github",
        "2025.4.8",
    )
    assert s["github"].env_names == ["GITHUB_PERSONAL_ACCESS_TOKEN"]
    assert s["github"].secret_env_names == ["GITHUB_PERSONAL_ACCESS_TOKEN"]
    assert (s["filesystem"].package, s["filesystem"].version) == ("@modelcontextprotocol/server-filesystem", None)
    assert (s["fetch"].kind, s["fetch"].package, s["fetch"].version) == ("pypi", "mcp-server-fetch", "2025.4.7")
    assert (s["git-from"].kind, s["git-from"].package, s["git-from"].version) == ("pypi", "git-mcp-tools", ">=1.2")
    docker = s["dockerized"]
    assert (docker.kind, docker.package, docker.version) == ("docker", "ghcr.io/example/slack-mcp", "1.4.0")
    assert docker.env_names == ["SLACK_BOT_TOKEN", "SLACK_TEAM_ID"]
    assert "SLACK_TEAM_ID=<redacted>" in docker.command
    assert (s["my-local"].kind, s["my-local"].path) == ("local", "/Users/me/dev/weather/build/index.js")
    assert (s["windows-npx"].kind, s["windows-npx"].package, s["windows-npx"].version) == (
        "npm",
        "mcp-remote",
        "0.1.18",
    )
    assert s["off"].disabled and not s["github"].disabled


def test_claude_code_user_and_project_scopes() -> None:
    s = _by_name(HOME / ".claude.json")
    assert (s["sentry"].kind, s["sentry"].url, s["sentry"].transport) == ("url", "https://mcp.sentry.dev/mcp", "http")
    assert s["sentry"].header_names == ["Authorization"] and s["sentry"].scope == "user"
    assert s["postgres"].scope == "project:/home/me/work/api"
    assert "postgresql://<redacted>@localhost/db" in s["postgres"].command
    assert s["py-module"].disabled  # listed in the project's disabledMcpjsonServers
    assert (s["py-module"].kind, s["py-module"].package) == ("pypi", "mcp_server_time")
    p = _by_name(PROJECT / ".mcp.json")
    assert p["local-py"].kind == "local"
    assert p["local-py"].path == str(PROJECT / "tools" / "server" / "server.py")
    assert (p["pipx-one"].kind, p["pipx-one"].package, p["pipx-one"].version) == ("pypi", "mcp-obsidian", "0.2.1")


def test_cursor_vscode_windsurf() -> None:
    c = _by_name(HOME / ".cursor/mcp.json")
    assert (c["linear"].kind, c["linear"].transport) == ("url", "sse")
    assert c["brave"].command[-2:] == ["--brave-api-key", "<redacted>"]
    assert c["brave"].secret_env_names == [] and c["brave"].env_names == ["LOG_LEVEL"]
    assert (c["bunx-one"].package, c["bunx-one"].version) == ("weather-mcp", "latest")
    assert c["off"].disabled
    rel = _by_name(PROJECT / ".cursor/mcp.json")["relative"]
    assert rel.path == str(PROJECT / "scripts" / "mcp.js")  # relative to the project, not to .cursor/
    v = _by_name(PROJECT / ".vscode/mcp.json")
    assert (v["perplexity"].package, v["perplexity"].version) == ("server-perplexity-ask", "0.1.3")
    assert v["perplexity"].notes == ["prompts for a secret input 'perplexity-key'"]
    assert v["workspace-script"].path == str(PROJECT / "mcp" / "server.py")
    assert v["remote"].url == "https://example.com/mcp/sse?api_key=<redacted>"
    assert (v["pnpm"].package, v["pnpm"].version) == ("@playwright/mcp", "0.0.41")
    u = _by_name(HOME / ".config/Code/User/settings.json")
    assert list(u) == ["memory"] and u["memory"].scope == "user"
    w = _by_name(HOME / ".codeium/windsurf/mcp_config.json")
    assert (w["context7"].kind, w["context7"].url) == ("url", "https://mcp.context7.com/mcp")
    assert w["go-binary"].kind == "command" and w["go-binary"].command == ["github-mcp-server", "stdio", "--read-only"]
    assert (w["podman"].package, w["podman"].version) == ("docker.io/mcp/aws", "latest")
    assert (w["by-digest"].package, w["by-digest"].version) == ("localhost:5000/mcp/kube", "sha256:abc123")


def test_no_secret_value_appears_in_any_output() -> None:
    servers, errors = read_all(HOME, PROJECT)
    assert not errors and len(servers) == 27
    dumped = json.dumps([s.to_json() for s in servers])
    for marker in SECRET_MARKERS:
        assert marker not in dumped, marker
    res = CliRunner().invoke(app, ["client-configs", "--json", "--home", str(HOME), "--project", str(PROJECT)])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["servers"]) == 27
    text = CliRunner().invoke(app, ["client-configs", "--home", str(HOME), "--project", str(PROJECT)])
    for marker in SECRET_MARKERS:
        assert marker not in res.output and marker not in text.output


def test_jsonc_comments_and_trailing_commas_but_not_inside_strings() -> None:
    text = '{\n // c\n "a": "http://x//y", /* b\n */ "b": [1, 2,],\n}'
    assert json.loads(strip_jsonc(text)) == {"a": "http://x//y", "b": [1, 2]}
    assert json.loads(strip_jsonc('{"s": "a,}" ,}')) == {"s": "a,}"}


def test_bad_files_raise_clear_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "mcp.json"
    bad.write_text('{\n  "mcpServers": {\n    "x": { "command": "npx" \n  }\n')
    with pytest.raises(ConfigError, match=r"mcp.json: invalid JSON at line \d+"):
        read_config_file(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(ConfigError, match="expected a JSON object"):
        read_config_file(bad)
    bad.write_text('{"mcpServers": ["a"]}')
    with pytest.raises(ConfigError, match="mcpServers must be an object"):
        read_config_file(bad)
    bad.write_bytes(b'{"mcpServers": {"\xff": 1}}')
    with pytest.raises(ConfigError, match="not UTF-8"):
        read_config_file(bad)
    with pytest.raises(ConfigError, match="no such file"):
        read_config_file(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert read_config_file(empty) == []


def test_odd_entries_are_kept_with_a_note(tmp_path: Path) -> None:
    weird = resolve_entry("w", "npx foo", client="cursor", config_path=tmp_path / "mcp.json")
    assert weird.disabled and "not an object" in weird.notes[0]
    nothing = resolve_entry("n", {"env": {"A": "b"}}, client="cursor", config_path=tmp_path / "mcp.json")
    assert nothing.kind == "command" and nothing.notes == ["no command and no url: nothing to run"]
    one_string = resolve_entry("s", {"command": "npx -y @a/b@1.0.0"}, client="cursor", config_path=tmp_path / "m.json")
    assert (one_string.kind, one_string.package, one_string.version) == ("npm", "@a/b", "1.0.0")
    git = resolve_entry(
        "g",
        {"command": "uvx", "args": ["--from", "git+https://github.com/o/r", "x"]},
        client="cursor",
        config_path=tmp_path / "m.json",
    )
    assert git.kind == "command" and "git repository" in git.notes[0]
    npx_p = resolve_entry(
        "p", {"command": "npx", "args": ["--package=@x/y@2", "y-bin"]}, client="cursor", config_path=tmp_path / "m.json"
    )
    assert (npx_p.package, npx_p.version) == ("@x/y", "2")
    uvx_python = resolve_entry(
        "u",
        {"command": "uvx", "args": ["--python", "3.12", "mcp-x@1.0"]},
        client="cursor",
        config_path=tmp_path / "m.json",
    )
    assert (uvx_python.package, uvx_python.version) == ("mcp-x", "1.0")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("@scope/pkg@1.2.3", ("@scope/pkg", "1.2.3")), ("pkg", ("pkg", None)), ("@scope/pkg", ("@scope/pkg", None))],
)
def test_split_npm_spec(spec: str, expected: tuple[str, str | None]) -> None:
    assert split_npm_spec(spec) == expected


def test_split_pypi_spec_and_image() -> None:
    assert split_pypi_spec("mcp-server-fetch==1.0") == ("mcp-server-fetch", "1.0")
    assert split_pypi_spec("pkg[extra]") == ("pkg", None)
    assert split_pypi_spec("pkg>=2,<3") == ("pkg", ">=2,<3")
    assert split_image("mcp/github") == ("mcp/github", None)
    assert split_image("host:5000/a/b") == ("host:5000/a/b", None)


def test_secret_names_and_argument_redaction() -> None:
    assert looks_secret("GITHUB_TOKEN") and looks_secret("AWS_REGION") and looks_secret("X-Api-Key")
    assert not looks_secret("LOG_LEVEL") and not looks_secret("PATH") and not looks_secret("BYPASS_MODE")
    assert redact_args(["--token=abc", "--port", "80", "-e", "A=1", "-e", "B", "FOO=bar", "API_KEY=z"]) == [
        "--token=<redacted>",
        "--port",
        "80",
        "-e",
        "A=<redacted>",
        "-e",
        "B",
        "FOO=bar",
        "API_KEY=<redacted>",
    ]


def test_launch_spec_fills_placeholders_and_never_shows_values(tmp_path: Path) -> None:
    from crawler.clientconfig import launch_spec

    cfg = tmp_path / ".mcp.json"
    cfg.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "a": {
                        "command": "node",
                        "args": ["${HOME_DIR:-/opt}/s.js"],
                        "env": {"K": "${SECRET_K}", "M": "${NOPE}"},
                    },
                    "r": {"type": "sse", "url": "https://h/sse", "headers": {"Authorization": "Bearer ${TOK}"}},
                }
            }
        )
    )
    spec = launch_spec(cfg, "a", environ={"SECRET_K": "s3cr3t"})
    assert spec.command == ["node", "/opt/s.js"]
    assert spec.env == {"K": "s3cr3t", "M": "${NOPE}"} and spec.missing == ["NOPE"]
    assert "s3cr3t" not in repr(spec)
    remote = launch_spec(cfg, "r", environ={"TOK": "t"})
    assert (remote.url, remote.transport, remote.headers) == ("https://h/sse", "sse", {"Authorization": "Bearer t"})
    with pytest.raises(ConfigError, match="no server named 'x'"):
        launch_spec(cfg, "x")
