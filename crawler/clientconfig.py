"""MCP client configuration files: which servers a user actually runs, and what each one is.

Claude Desktop, Claude Code, Cursor, VS Code and Windsurf each keep a JSON file (VS Code's and Claude
Code's allow comments and trailing commas) with an ``mcpServers`` or ``servers`` map. Every entry is a
command line (``npx -y @scope/pkg@1.2.3``, ``uvx --from pkg cmd``, ``docker run -i --rm -e X image``,
``node ./server.js``) or a remote URL. ``scan`` needs to know what each runs - an npm or PyPI package,
a Docker image, a local path, a URL - to look it up in the catalog; that resolution is done here, from
the text alone (nothing is run).

Secrets are never kept: ``env`` and ``headers`` contribute their NAMES only (flagged when they look
secret), and credential-looking arguments and URL parts are redacted before anything is returned.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from crawler.secrets import looks_secret, redact_args, redact_url

CLIENTS = ("claude-desktop", "claude-code", "cursor", "vscode", "windsurf", "unknown")
MAX_CONFIG_BYTES = 20 * 1024 * 1024  # ~/.claude.json grows with history; anything beyond this is not a config


class ConfigError(Exception):
    """A configuration file cannot be read or is not a client configuration; the message says which and why."""


@dataclass
class ConfiguredServer:
    client: str  # claude-desktop | claude-code | cursor | vscode | windsurf | unknown
    config_path: str
    name: str  # the key in mcpServers / servers
    kind: str  # npm | pypi | docker | local | url | command
    package: str | None = None  # npm/pypi identifier or docker image
    version: str | None = None
    path: str | None = None  # local path (resolved relative to the config file)
    url: str | None = None
    command: list[str] = field(default_factory=list)  # the full command, with env values never included
    env_names: list[str] = field(default_factory=list)  # names only
    disabled: bool = False
    secret_env_names: list[str] = field(default_factory=list)  # the env_names that look like credentials
    header_names: list[str] = field(default_factory=list)  # remote servers: header names only
    transport: str = "stdio"  # stdio | http | sse
    scope: str | None = None  # claude-code: "user" or "project:<folder>"; vscode: "workspace" / "user"
    notes: list[str] = field(default_factory=list)  # what could not be resolved, and why

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------- discovery


def _candidates(home: Path, cwd: Path) -> list[tuple[str, Path]]:
    """Every place a supported client keeps MCP servers, for all operating systems (a home may be a copy)."""
    mac = home / "Library" / "Application Support"
    linux = home / ".config"
    win = Path(os.environ["APPDATA"]) if os.environ.get("APPDATA") else home / "AppData" / "Roaming"
    out: list[tuple[str, Path]] = []
    for base in (mac, linux, win):
        out.append(("claude-desktop", base / "Claude" / "claude_desktop_config.json"))
    out.append(("claude-code", home / ".claude.json"))
    out.append(("claude-code", home / ".claude" / ".mcp.json"))
    for folder in [cwd, *cwd.parents]:
        out.append(("claude-code", folder / ".mcp.json"))
        out.append(("cursor", folder / ".cursor" / "mcp.json"))
        out.append(("vscode", folder / ".vscode" / "mcp.json"))
        if folder == home:
            break
    out.append(("cursor", home / ".cursor" / "mcp.json"))
    for base in (mac, linux, win):
        for product in ("Code", "Code - Insiders", "VSCodium"):
            out.append(("vscode", base / product / "User" / "mcp.json"))
            out.append(("vscode", base / product / "User" / "settings.json"))
    out.append(("windsurf", home / ".codeium" / "windsurf" / "mcp_config.json"))
    return out


def discover_config_files(home: Path | None = None, cwd: Path | None = None) -> list[tuple[str, Path]]:
    """The existing client configuration files for this user and project, as (client, path), each once."""
    home = (home or Path.home()).expanduser()
    cwd = (cwd or Path.cwd()).expanduser()
    seen: set[Path] = set()
    found: list[tuple[str, Path]] = []
    for client, path in _candidates(home, cwd):
        try:
            key = path.resolve()
            if key in seen or not path.is_file():
                continue
        except OSError:
            continue
        seen.add(key)
        found.append((client, path))
    return found


def guess_client(path: Path) -> str:
    """Which client a configuration file belongs to, from its name and folder."""
    parts = [p.lower() for p in path.parts]
    name = path.name.lower()
    if name == "claude_desktop_config.json":
        return "claude-desktop"
    if name in (".claude.json", ".mcp.json"):
        return "claude-code"
    if name == "mcp_config.json" and "windsurf" in parts:
        return "windsurf"
    if ".cursor" in parts:
        return "cursor"
    if ".vscode" in parts or "code" in parts or "code - insiders" in parts or "vscodium" in parts:
        return "vscode"
    return "unknown"


# ---------------------------------------------------------------------------------------------- parsing


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (what VS Code and Claude Code accept) as strict JSON.

    Strings are copied untouched, so ``"https://x"`` or ``"a // b"`` survive; line numbers are kept
    (comments become spaces, newlines stay) so JSON errors still point at the right line.
    """
    out: list[str] = []
    comma: int | None = None  # index in `out` of a comma that only whitespace or comments follow so far
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            comma = None
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            if ch in "}]" and comma is not None:
                out[comma] = " "  # a trailing comma before the closing bracket
            if not ch.isspace():
                comma = len(out) if ch == "," else None
            out.append(ch)
            i += 1
    return "".join(out)


def load_config_json(path: Path) -> dict[str, Any]:
    """Read a configuration file as a JSON object, with errors that name the file, line and problem."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, expected a JSON configuration file")
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: {size} bytes is too large for a client configuration")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(strip_jsonc(text))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object at the top level, found {type(data).__name__}")
    return data


def _server_maps(data: dict[str, Any], client: str, path: Path) -> list[tuple[dict[str, Any], str | None, set[str]]]:
    """The (servers map, scope, names disabled by the surrounding config) groups a configuration holds."""
    groups: list[tuple[dict[str, Any], str | None, set[str]]] = []

    def add(value: Any, scope: str | None, where: str, disabled: set[str] | None = None) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {where} must be an object of servers, found {type(value).__name__}")
        groups.append((value, scope, disabled or set()))

    if client == "vscode":
        scope = "workspace" if path.parent.name == ".vscode" else "user"
        add(data.get("servers"), scope, "servers")
        add(data.get("mcp.servers"), scope, "mcp.servers")
        nested = data.get("mcp")
        if isinstance(nested, dict):
            add(nested.get("servers"), scope, "mcp.servers")
        add(data.get("mcpServers"), scope, "mcpServers")
        return groups
    top_scope = "user" if client == "claude-code" and path.name == ".claude.json" else None
    if client == "claude-code" and path.name == ".mcp.json":
        top_scope = f"project:{path.parent}"
    add(data.get("mcpServers"), top_scope, "mcpServers")
    if client in ("unknown", "cursor", "windsurf") and "servers" in data and "mcpServers" not in data:
        add(data.get("servers"), None, "servers")
    projects = data.get("projects")
    if isinstance(projects, dict):
        for folder, project in sorted(projects.items()):
            if not isinstance(project, dict):
                continue
            disabled = {str(x) for x in project.get("disabledMcpServers") or [] if isinstance(x, str)}
            disabled |= {str(x) for x in project.get("disabledMcpjsonServers") or [] if isinstance(x, str)}
            add(project.get("mcpServers"), f"project:{folder}", f"projects.{folder}.mcpServers", disabled)
    return groups


@dataclass
class _RawEntry:
    name: str
    entry: Any
    scope: str | None
    disabled_by_parent: bool


def _raw_entries(path: Path, client: str | None) -> tuple[str, dict[str, Any], list[_RawEntry]]:
    path = Path(path).expanduser()
    client = client or guess_client(path)
    if client not in CLIENTS:
        raise ConfigError(f"unknown client {client!r}; expected one of {', '.join(CLIENTS)}")
    data = load_config_json(path)
    inputs = {str(i.get("id")): i for i in data.get("inputs") or [] if isinstance(i, dict)}
    entries = [
        _RawEntry(str(name), entry, scope, name in disabled_names)
        for group, scope, disabled_names in _server_maps(data, client, path)
        for name, entry in group.items()
    ]
    return client, inputs, entries


def read_config_file(path: Path, client: str | None = None) -> list[ConfiguredServer]:
    """Every server entry of one client configuration file, resolved to what it runs.

    Raises ConfigError when the file cannot be read or is not JSON; odd entries are kept with a note.
    """
    path = Path(path).expanduser()
    client, inputs, entries = _raw_entries(path, client)
    servers: list[ConfiguredServer] = []
    for raw in entries:
        server = resolve_entry(raw.name, raw.entry, client=client, config_path=path, inputs=inputs)
        server.scope = raw.scope
        server.disabled = server.disabled or raw.disabled_by_parent
        servers.append(server)
    return servers


@dataclass
class LaunchSpec:
    """How the client would start one configured server, WITH its secret values: for running it, never for output.

    Only ``mcp-catalog introspect --config`` uses this, to hand the server the same environment its client
    would; nothing here may be printed, logged or stored.
    """

    name: str
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    transport: str = "stdio"
    missing: list[str] = field(default_factory=list)  # placeholders that could not be filled (${input:x}, ${VAR})

    def __repr__(self) -> str:  # never show values by accident
        return f"LaunchSpec(name={self.name!r}, env_names={sorted(self.env)}, header_names={sorted(self.headers)})"


_PLACEHOLDER = re.compile(r"\$\{(env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{(input:[^}]+)\}")


def expand_placeholders(value: str, project: Path, environ: dict[str, str], missing: list[str]) -> str:
    """Fill ``${workspaceFolder}``, ``${env:NAME}`` (VS Code), ``${NAME}`` / ``${NAME:-default}`` (Claude Code).

    ``${input:id}`` (a VS Code prompt) and unset variables are left as they are and added to ``missing``.
    """
    value = _expand_vars(value, project)

    def fill(match: re.Match[str]) -> str:
        if match.group(4):
            missing.append(match.group(4))
            return match.group(0)
        name, default = match.group(2), match.group(3)
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        missing.append(name)
        return match.group(0)

    return _PLACEHOLDER.sub(fill, value)


def launch_spec(path: Path, name: str, client: str | None = None, environ: dict[str, str] | None = None) -> LaunchSpec:
    """The command, environment and working folder (or URL and headers) of server ``name`` in one config file.

    Raises ConfigError if there is no such server or it has nothing to run.
    """
    path = Path(path).expanduser()
    client, _inputs, entries = _raw_entries(path, client)
    raw = next((e for e in entries if e.name == name), None)
    if raw is None:
        names = ", ".join(sorted({e.name for e in entries})) or "none"
        raise ConfigError(f"{path}: no server named {name!r} (servers: {names})")
    entry = raw.entry if isinstance(raw.entry, dict) else {}
    project = _working_folder({}, path)
    environ = dict(os.environ if environ is None else environ)
    spec = LaunchSpec(name=name)

    def fill(value: Any) -> str:
        return expand_placeholders(str(value), project, environ, spec.missing)

    spec.env = (
        {str(k): fill(v) for k, v in (entry.get("env") or {}).items()} if isinstance(entry.get("env"), dict) else {}
    )
    url = entry.get("url") or entry.get("serverUrl") or entry.get("httpUrl")
    if isinstance(url, str) and url:
        spec.url = fill(url)
        spec.headers = {str(k): fill(v) for k, v in (entry.get("headers") or {}).items()}
        kind = str(entry.get("type") or entry.get("transport") or "").lower()
        spec.transport = {"sse": "sse", "http": "streamable-http", "streamable-http": "streamable-http"}.get(
            kind, "auto"
        )
        return spec
    command = entry.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ConfigError(f"{path}: server {name!r} has neither a command nor a url")
    args = [fill(a) for a in entry.get("args") or [] if isinstance(a, str | int | float)]
    if not args and " " in command.strip():
        with contextlib.suppress(ValueError):
            command, *args = shlex.split(command)
    spec.command = [fill(command), *args]
    if isinstance(entry.get("cwd"), str) and entry["cwd"]:
        spec.cwd = _working_folder(entry, path)
    return spec


# ---------------------------------------------------------------------------------------------- resolution


_REMOTE_TYPES = {"http": "http", "streamable-http": "http", "streamablehttp": "http", "sse": "sse"}


def resolve_entry(
    name: str,
    entry: Any,
    *,
    client: str,
    config_path: Path,
    inputs: dict[str, Any] | None = None,
) -> ConfiguredServer:
    """One ``mcpServers`` entry as a ConfiguredServer (pure: reads nothing, runs nothing)."""
    server = ConfiguredServer(client=client, config_path=str(config_path), name=name, kind="command")
    if not isinstance(entry, dict):
        server.notes.append(f"entry is a {type(entry).__name__}, not an object; ignored")
        server.disabled = True
        return server
    server.disabled = entry.get("disabled") is True or entry.get("enabled") is False
    env = entry.get("env") if isinstance(entry.get("env"), dict) else {}
    names = set(map(str, env))
    if isinstance(entry.get("envFile"), str):
        server.notes.append("also reads variables from an envFile (names unknown)")
    headers = entry.get("headers") if isinstance(entry.get("headers"), dict) else {}
    server.header_names = sorted(map(str, headers))
    for input_id, spec in (inputs or {}).items():
        if f"${{input:{input_id}}}" in json.dumps(entry) and spec.get("password"):
            server.notes.append(f"prompts for a secret input {input_id!r}")
    url = entry.get("url") or entry.get("serverUrl") or entry.get("httpUrl")
    kind_hint = str(entry.get("type") or entry.get("transport") or "").lower()
    if isinstance(url, str) and url:
        server.kind = "url"
        server.url = redact_url(url)
        server.transport = _REMOTE_TYPES.get(kind_hint, "sse" if url.rstrip("/").endswith("/sse") else "http")
        if url != server.url:
            server.notes.append("credentials in the URL were redacted")
    else:
        command = entry.get("command")
        args = [str(a) for a in entry.get("args") or [] if isinstance(a, str | int | float)]
        if isinstance(command, list):  # a few clients accept the command as one list
            command, args = (str(command[0]) if command else None), [*map(str, command[1:]), *args]
        if not isinstance(command, str) or not command.strip():
            server.notes.append("no command and no url: nothing to run")
        else:
            if not args and " " in command.strip() and not Path(command).exists():
                with contextlib.suppress(ValueError):  # unbalanced quotes: keep the command as written
                    command, *args = shlex.split(command)
            base = _working_folder(entry, config_path)
            _resolve_command(server, command, args, base)
            names |= set(server.env_names)
            server.command = [command, *redact_args(args)]
    server.env_names = sorted(names)
    server.secret_env_names = [n for n in server.env_names if looks_secret(n)]
    return server


def _working_folder(entry: dict[str, Any], config_path: Path) -> Path:
    """Where relative paths of an entry point: its ``cwd`` if any, else the project (or config) folder."""
    project = config_path.parent
    if project.name in (".vscode", ".cursor"):
        project = project.parent
    cwd = entry.get("cwd")
    if isinstance(cwd, str) and cwd:
        cwd = _expand_vars(cwd, project)
        return (project / cwd) if not os.path.isabs(cwd) else Path(cwd)
    return project


def _expand_vars(value: str, project: Path) -> str:
    return value.replace("${workspaceFolder}", str(project)).replace("${workspaceRoot}", str(project))


def _program(command: str) -> str:
    """The launcher's bare name: ``/usr/local/bin/npx`` and ``npx.cmd`` are both ``npx``."""
    tail = PureWindowsPath(command).name if "\\" in command else PurePosixPath(command).name
    return re.sub(r"\.(cmd|exe|bat|ps1)$", "", tail.lower())


def _resolve_command(server: ConfiguredServer, command: str, args: list[str], base: Path) -> None:
    program = _program(command)
    if program == "cmd" and args and args[0].lower() in ("/c", "/k"):  # Windows: cmd /c npx -y pkg
        if len(args) > 1:
            _resolve_command(server, args[1], args[2:], base)
        return
    if program in ("npx", "bunx", "pnpx"):
        return _resolve_npm(server, args)
    if program in ("npm", "pnpm", "yarn", "bun") and args and args[0] in ("exec", "x", "dlx"):
        return _resolve_npm(server, args[1:])
    if program == "uvx":
        return _resolve_uvx(server, args)
    if program == "uv":
        return _resolve_uv(server, args, base)
    if program == "pipx" and args and args[0] == "run":
        return _resolve_pipx(server, args[1:])
    if program in ("docker", "podman", "nerdctl"):
        return _resolve_docker(server, args)
    if re.fullmatch(r"python(\d(\.\d+)?)?|py|pypy3?", program):
        return _resolve_python(server, args, base)
    if program in ("node", "deno", "bun", "tsx", "ts-node", "nodejs"):
        return _resolve_script(server, args, base, runner=program)
    if "/" in command or "\\" in command or re.search(r"\.(js|mjs|cjs|py|sh|ts)$", command):
        server.kind = "local"
        server.path = _local_path(_expand_vars(command, base), base)
        return
    server.kind = "command"  # a program on PATH (e.g. a Go binary installed by hand)


def split_npm_spec(spec: str) -> tuple[str, str | None]:
    """``@scope/pkg@1.2.3`` -> (``@scope/pkg``, ``1.2.3``); ``pkg`` -> (``pkg``, None)."""
    at = spec.find("@", 1)
    if at > 0:
        return spec[:at], spec[at + 1 :] or None
    return spec, None


def split_pypi_spec(spec: str) -> tuple[str, str | None]:
    """``pkg==1.2``, ``pkg@1.2``, ``pkg[extra]>=1`` -> (``pkg``, version or constraint)."""
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(==|@)\s*([^\s;]+)|((?:[<>!~=]=?|===).+))?$", spec)
    if not m:
        return spec, None
    version = m.group(4) or (m.group(5).strip() if m.group(5) else None)
    return m.group(1), version


_NPX_VALUE_OPTS = {"-p", "--package", "-c", "--call", "--registry", "--cache", "--userconfig", "-w", "--workspace"}


def _resolve_npm(server: ConfiguredServer, args: list[str]) -> None:
    package: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if arg in ("-p", "--package") and i + 1 < len(args):
            package = package or args[i + 1]
            i += 2
            continue
        if arg.startswith("--package="):
            package = package or arg.split("=", 1)[1]
        elif arg in _NPX_VALUE_OPTS:
            i += 1
        elif not arg.startswith("-"):
            break
        i += 1
    if package is None and i < len(args):
        package = args[i]
    if not package:
        server.notes.append("npx without a package name")
        return
    if package.startswith((".", "/", "file:")) or package.startswith("~"):
        server.kind, server.path = "local", package.removeprefix("file:")
        return
    if package.startswith(("github:", "git+", "https://", "http://")) or re.match(r"^[\w.-]+/[\w.-]+(#.*)?$", package):
        server.kind, server.package = "command", redact_url(package)
        server.notes.append("runs a git repository or tarball URL, not a published package")
        return
    server.kind = "npm"
    server.package, server.version = split_npm_spec(package)


_UVX_VALUE_OPTS = {"--python", "-p", "--with", "--with-requirements", "--index", "--index-url", "--extra-index-url"}
_UVX_VALUE_OPTS |= {"--default-index", "--constraints", "-c", "--overrides", "--directory", "--project", "--env-file"}


def _resolve_uvx(server: ConfiguredServer, args: list[str]) -> None:
    spec: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--from" and i + 1 < len(args):
            spec = args[i + 1]
            i += 2
            continue
        if arg.startswith("--from="):
            spec = arg.split("=", 1)[1]
        elif arg in _UVX_VALUE_OPTS:
            i += 1
        elif not arg.startswith("-"):
            spec = spec or arg
            break
        i += 1
    if not spec:
        server.notes.append("uvx without a package name")
        return
    if spec.startswith(("git+", "http://", "https://")):
        server.kind, server.package = "command", redact_url(spec)
        server.notes.append("runs a git repository or URL, not a published package")
        return
    if spec.startswith((".", "/", "~")):
        server.kind, server.path = "local", spec
        return
    server.kind = "pypi"
    server.package, server.version = split_pypi_spec(spec)


def _resolve_uv(server: ConfiguredServer, args: list[str], base: Path) -> None:
    """``uv tool run pkg`` is uvx; ``uv --directory D run server.py`` / ``uv run --with pkg x`` run local code."""
    directory: str | None = None
    rest = list(args)
    while rest and rest[0].startswith("-"):
        opt = rest.pop(0)
        if opt in ("--directory", "--project") and rest:
            directory = rest.pop(0)
        elif opt.startswith(("--directory=", "--project=")):
            directory = opt.split("=", 1)[1]
    if rest[:2] == ["tool", "run"]:
        return _resolve_uvx(server, rest[2:])
    if rest[:1] == ["run"]:
        rest = rest[1:]
        while rest and rest[0].startswith("-"):
            opt = rest.pop(0)
            if opt in ("--directory", "--project") and rest:
                directory = rest.pop(0)
            elif opt in _UVX_VALUE_OPTS and rest:
                rest.pop(0)
    folder = Path(_expand_vars(directory, base)) if directory else None
    root = (base / folder) if folder and not folder.is_absolute() else (folder or base)
    script = next((a for a in rest if not a.startswith("-")), None)
    server.kind = "local"
    if script and re.search(r"\.(py|pyw)$", script):
        server.path = _local_path(script, root)
    else:
        server.path = str(root)
        if script:
            server.notes.append(f"runs {script!r} from the project in {root}")


def _resolve_pipx(server: ConfiguredServer, args: list[str]) -> None:
    spec: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--spec" and i + 1 < len(args):
            spec = args[i + 1]
            i += 2
            continue
        if arg in ("--python", "--index-url", "--pip-args"):
            i += 1
        elif not arg.startswith("-"):
            spec = spec or arg
            break
        i += 1
    if not spec:
        server.notes.append("pipx run without a package name")
        return
    server.kind = "pypi"
    server.package, server.version = split_pypi_spec(spec)


_DOCKER_FLAGS = {"-i", "-t", "-it", "-ti", "--rm", "-d", "--detach", "--init", "--privileged", "--read-only", "-P"}
_DOCKER_FLAGS |= {"--interactive", "--tty", "--publish-all", "--no-healthcheck", "--sig-proxy"}


def split_image(ref: str) -> tuple[str, str | None]:
    """``ghcr.io/o/img:1.2`` -> (``ghcr.io/o/img``, ``1.2``); a registry port is not a tag; digests kept."""
    if "@" in ref:
        name, digest = ref.split("@", 1)
        return name, digest
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > slash:
        return ref[:colon], ref[colon + 1 :]
    return ref, None


def _resolve_docker(server: ConfiguredServer, args: list[str]) -> None:
    rest = list(args)
    if rest[:2] == ["container", "run"]:
        rest = rest[2:]
    elif rest[:1] == ["run"]:
        rest = rest[1:]
    else:
        server.notes.append(f"docker {rest[0] if rest else ''} is not `docker run`".strip())
        return
    names: list[str] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-"):
            break
        opt, eq, value = arg.partition("=")
        if opt in ("-e", "--env"):
            value = value if eq else (rest[i + 1] if i + 1 < len(rest) else "")
            names.append(value.split("=", 1)[0])
            i += 1 if eq else 2
            continue
        if opt in ("--env-file",):
            server.notes.append("also reads variables from an --env-file (names unknown)")
        if eq or arg in _DOCKER_FLAGS or (opt.startswith("-") and not opt.startswith("--") and len(opt) > 2):
            i += 1  # --opt=value, a known flag, or clustered short flags such as -itd
            continue
        i += 2  # an option followed by its value (-v a:b, --name x, --network host...)
    if i >= len(rest):
        server.notes.append("docker run without an image")
        return
    server.kind = "docker"
    server.package, server.version = split_image(rest[i])
    server.env_names = [n for n in names if n]


def _resolve_python(server: ConfiguredServer, args: list[str], base: Path) -> None:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-m" and i + 1 < len(args):
            server.kind = "pypi"
            server.package = args[i + 1]
            server.notes.append("`python -m` names a module; its PyPI project name may differ")
            return
        if arg in ("-X", "-W"):
            i += 2
            continue
        if not arg.startswith("-"):
            server.kind = "local"
            server.path = _local_path(_expand_vars(arg, base), base)
            return
        i += 1
    server.notes.append("python without a script or -m module")


def _resolve_script(server: ConfiguredServer, args: list[str], base: Path, *, runner: str) -> None:
    rest = list(args)
    if runner in ("deno", "bun") and rest[:1] == ["run"]:
        rest = rest[1:]
    script = next((a for a in rest if not a.startswith("-")), None)
    if not script:
        server.notes.append(f"{runner} without a script")
        return
    if runner == "deno" and script.startswith(("npm:", "jsr:")):
        server.kind = "npm" if script.startswith("npm:") else "command"
        server.package, server.version = split_npm_spec(script.split(":", 1)[1])
        return
    if script.startswith(("http://", "https://")):
        server.kind, server.url = "command", redact_url(script)
        server.notes.append("runs a script straight from a URL")
        return
    server.kind = "local"
    server.path = _local_path(_expand_vars(script, base), base)


def _local_path(value: str, base: Path) -> str:
    """A script path as an absolute path: relative ones are taken from the entry's working folder."""
    expanded = os.path.expanduser(value)
    if os.path.isabs(expanded) or re.match(r"^[A-Za-z]:[\\/]", expanded):
        return expanded
    return os.path.normpath(str(base / expanded))


def read_all(
    home: Path | None = None, cwd: Path | None = None, paths: list[Path] | None = None
) -> tuple[list[ConfiguredServer], list[str]]:
    """Every configured server on this machine (or in ``paths``), and the files that could not be read."""
    files = [(guess_client(p), p) for p in paths] if paths else discover_config_files(home, cwd)
    servers: list[ConfiguredServer] = []
    errors: list[str] = []
    for client, path in files:
        try:
            servers += read_config_file(path, client)
        except ConfigError as exc:
            errors.append(str(exc))
    return servers, errors
