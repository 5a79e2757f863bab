"""Live introspection: start (or connect to) a real MCP server and ask it for its tools.

This RUNS THIRD-PARTY CODE. It exists because some servers compute their tool list at run time and
static extraction cannot see it, and because a live ``tools/list`` is the ground truth the static
extractors are measured against. So every connection is fenced in:

- a deadline on the whole exchange (start, handshake, every ``tools/list`` page, shutdown);
- a scrubbed environment: only PATH, LANG and a HOME pointing at a fresh temporary folder, plus the
  variables the caller passes explicitly; nothing else of ours (tokens, cloud credentials) is inherited;
- a fresh temporary working directory, removed afterwards;
- the server runs in its own process group, which is killed (SIGTERM, then SIGKILL) on exit or timeout.

The ``mcp`` SDK client does the protocol work (initialize, then ``tools/list`` page by page through
``nextCursor``); the tools come back as ``ToolRecord`` with origin ``live`` and every declared field kept
verbatim (title, description, inputSchema, outputSchema, annotations).
"""

from __future__ import annotations

import functools
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import anyio
import anyio.lowlevel
import httpx2
import mcp_types
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, get_default_environment, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import UNSUPPORTED_PROTOCOL_VERSION

from catalog.records import ToolRecord
from crawler.secrets import redact_args, redact_url

DEFAULT_TIMEOUT = 30.0
MAX_PAGES = 500  # a server that pages forever is cut off here (and the result marked incomplete)
STDERR_TAIL = 1500  # characters of the server's stderr quoted in an error message
SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".jar", ".dll", ".rb", ".sh")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class IntrospectionError(Exception):
    """The server could not be started, did not answer in time, or broke the protocol; the message says which."""


@dataclass
class LiveResult:
    """What a running server says about itself: identity from ``initialize`` and its full tool list."""

    transport: str  # stdio | streamable-http | sse
    target: str  # the command line or URL, with credentials redacted
    server_name: str | None = None
    server_version: str | None = None
    server_title: str | None = None
    instructions: str | None = None
    protocol_version: str | None = None
    tools: list[ToolRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    complete: bool = True  # false when paging was cut off
    seconds: float = 0.0
    env_names: list[str] = field(default_factory=list)  # the explicit variables passed (names only)

    @property
    def origin_label(self) -> str:
        return f"live:{self.transport}"

    def to_json(self) -> dict[str, Any]:
        return {
            "transport": self.transport,
            "target": self.target,
            "server": {
                "name": self.server_name,
                "version": self.server_version,
                "title": self.server_title,
                "instructions": self.instructions,
                "protocol_version": self.protocol_version,
            },
            "tools": [t.to_mcp() for t in self.tools],
            "tool_count": len(self.tools),
            "pages": self.pages,
            "complete": self.complete,
            "problems": self.problems,
            "env_names": self.env_names,
            "seconds": round(self.seconds, 3),
        }


def scrubbed_environment(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment the server gets: PATH, HOME (a temp folder), LANG, and ``extra`` verbatim."""
    env = {
        "PATH": os.environ.get("PATH") or DEFAULT_PATH,
        "HOME": str(home),
        "LANG": os.environ.get("LANG") or "C.UTF-8",
    }
    env.update(extra or {})
    return env


def tool_record_from_wire(tool: dict[str, Any], *, detail: str | None = None) -> ToolRecord:
    """One ``tools/list`` entry (camelCase wire shape) as a ToolRecord, declared fields only."""
    annotations = tool.get("annotations") or {}
    extra = {k: tool[k] for k in ("icons", "_meta", "execution") if tool.get(k) is not None}
    return ToolRecord(
        name=str(tool["name"]),
        title=tool.get("title"),
        description=tool.get("description"),
        input_schema=tool.get("inputSchema"),
        output_schema=tool.get("outputSchema"),
        annotations={k: v for k, v in annotations.items() if v is not None},
        file=detail,
        origin="live",
        extra=extra,
    )


async def _list_everything(client: Client, result: LiveResult) -> None:
    """Fill ``result`` from a connected client: identity, then every ``tools/list`` page."""
    info = client.server_info
    if info is not None:
        result.server_name = info.name
        result.server_version = info.version
        result.server_title = info.title
    result.instructions = client.instructions
    result.protocol_version = client.protocol_version
    seen: set[str] = set()
    cursors: set[str] = set()
    cursor: str | None = None
    while True:
        page = await client.list_tools(cursor=cursor, cache_mode="bypass")
        result.pages += 1
        for tool in page.tools:
            wire = tool.model_dump(by_alias=True, exclude_none=True, mode="json")
            if wire["name"] in seen:
                result.problems.append(f"tools/list returned {wire['name']!r} more than once; kept the first")
                continue
            seen.add(wire["name"])
            result.tools.append(tool_record_from_wire(wire, detail=result.origin_label))
        cursor = page.next_cursor
        if not cursor:
            return
        if cursor in cursors:
            result.problems.append(f"tools/list repeated cursor {cursor!r}; stopped paging")
            result.complete = False
            return
        if result.pages >= MAX_PAGES:
            result.problems.append(f"tools/list still paging after {MAX_PAGES} pages; stopped")
            result.complete = False
            return
        cursors.add(cursor)


def _client(transport: AbstractAsyncContextManager[Any], mode: str, result: LiveResult) -> Client:
    """An SDK client without a response cache (every call reaches the server, nothing outlives the run)."""

    async def on_message(message: Any) -> None:
        # Transport errors arrive here as values: typically a server printing logs on stdout.
        if isinstance(message, Exception) and len(result.problems) < 20:
            first = str(message).strip().splitlines()[:3]
            detail = first[-1].strip() if first else type(message).__name__
            result.problems.append(f"server wrote a line that is not JSON-RPC on stdout ({detail[:160]})")
        await anyio.lowlevel.checkpoint()

    return Client(  # type: ignore[arg-type]
        transport,
        mode=mode,
        cache=None,
        message_handler=on_message,
        # Advertise every client capability so servers that register tools only for capable clients
        # (sampling, elicitation, roots) list them too; every such request is then declined.
        sampling_callback=_decline_sampling,
        sampling_capabilities=mcp_types.SamplingCapability(tools=mcp_types.SamplingToolsCapability()),
        elicitation_callback=_decline_elicitation,
        list_roots_callback=_no_roots,
    )


async def _decline_sampling(_context: Any, _params: Any) -> mcp_types.ErrorData:
    return mcp_types.ErrorData(code=mcp_types.INVALID_REQUEST, message="sampling is declined during introspection")


async def _decline_elicitation(_context: Any, _params: Any) -> mcp_types.ElicitResult:
    return mcp_types.ElicitResult(action="decline")


async def _no_roots(_context: Any) -> mcp_types.ListRootsResult:
    return mcp_types.ListRootsResult(roots=[])


async def _run_client(make_transport: Callable[[], AbstractAsyncContextManager[Any]], result: LiveResult) -> LiveResult:
    """Connect with the handshake every server in the wild speaks; fall back to auto-negotiation if refused."""
    try:
        async with _client(make_transport(), "legacy", result) as client:
            await _list_everything(client, result)
        return result
    except MCPError as exc:
        if exc.code != UNSUPPORTED_PROTOCOL_VERSION:  # only a modern-only server refuses the handshake
            raise
    result.tools, result.problems, result.pages = [], [], 0
    async with _client(make_transport(), "auto", result) as client:
        await _list_everything(client, result)
    return result


def _tail(errlog: TextIO) -> str:
    try:
        errlog.flush()
        errlog.seek(0, os.SEEK_END)
        size = errlog.tell()
        errlog.seek(max(0, size - STDERR_TAIL * 4))
        text = errlog.read()
    except (OSError, ValueError):
        return ""
    return text[-STDERR_TAIL:].strip()


def _describe(exc: BaseException) -> str:
    """A one-line reason from an exception or an exception group (anyio task groups wrap errors)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip() or type(exc).__name__
    if text == "Connection closed":
        return "the server closed the connection before answering (it exited or wrote no MCP on stdout)"
    return text.splitlines()[0][:300]


def _unset_inherited(env: dict[str, str]) -> list[str]:
    """`env -u` options for the variables the SDK's stdio client adds by default and we did not choose."""
    return [opt for name in get_default_environment() if name not in env for opt in ("-u", name)]


def absolutize_paths(command: list[str], base: Path) -> list[str]:
    """Make arguments that name existing files under ``base`` absolute, since the server runs in a temp folder.

    ``python server.py`` typed in a project folder must still find ``server.py``.
    """
    out = []
    for arg in command:
        candidate = base / arg
        looks_like_path = "/" in arg or arg.endswith(SCRIPT_SUFFIXES)
        if looks_like_path and not arg.startswith("-") and not os.path.isabs(arg) and candidate.exists():
            out.append(os.path.abspath(candidate))  # not resolve(): a venv python is a symlink
        else:
            out.append(arg)
    return out


def resolve_command(command: list[str], env: dict[str, str]) -> list[str]:
    """The command with its program resolved on the child's PATH; raises IntrospectionError if not found."""
    if not command:
        raise IntrospectionError("no command given: put the server command after `--`, e.g. -- npx -y some-server")
    program = command[0]
    found = shutil.which(program, path=env.get("PATH")) if os.sep not in program else program
    if not found or not os.path.exists(found):
        raise IntrospectionError(f"command not found: {program!r} (not on PATH and not an existing file)")
    return [found, *command[1:]]


def introspect_stdio(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
) -> LiveResult:
    """Start ``command`` as an MCP stdio server in a sandbox and return its identity and tools.

    ``env`` is the only thing passed through besides PATH/LANG/HOME; ``cwd`` defaults to a fresh
    temporary folder (a given ``cwd`` is used as-is, e.g. an installed package's folder).
    Raises IntrospectionError with the reason (and the tail of the server's stderr) on any failure.
    """
    return anyio.run(functools.partial(introspect_stdio_async, command, env=env, timeout=timeout, cwd=cwd))


async def introspect_stdio_async(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
) -> LiveResult:
    """``introspect_stdio`` for callers already inside an event loop (asyncio or trio, through anyio)."""
    _check_timeout(timeout)
    result = LiveResult(
        transport="stdio", target=" ".join(redact_args(list(command))), env_names=sorted((env or {}).keys())
    )
    with tempfile.TemporaryDirectory(prefix="mcp-live-") as tmp:
        home = Path(tmp) / "home"
        work = Path(tmp) / "work"
        home.mkdir()
        work.mkdir()
        child_env = scrubbed_environment(home, env)
        argv = resolve_command(list(command), child_env)
        wrapper = shutil.which("env", path=DEFAULT_PATH) if sys.platform != "win32" else None
        unset = _unset_inherited(child_env)
        if wrapper and unset:
            # `env -u` drops what the SDK would add; `sh -c 'exec "$@"'` keeps env from reading a program
            # path that contains "=" (a folder named pkg==1.0) as a variable assignment.
            argv = [wrapper, *unset, "/bin/sh", "-c", 'unset PWD OLDPWD SHLVL; exec "$@"', "mcp-server", *argv]
        params = StdioServerParameters(
            command=argv[0], args=argv[1:], env=child_env, cwd=str(cwd or work), encoding_error_handler="replace"
        )
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace", dir=tmp) as errlog:
            return await _bounded(
                _run_client(lambda: stdio_client(params, errlog=errlog), result),
                result,
                timeout,
                what=f"server {result.target!r}",
                stderr=lambda: _tail(errlog),
            )


def introspect_url(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: str = "auto",
) -> LiveResult:
    """Connect to a remote MCP server: streamable HTTP first, then the older SSE transport if that fails.

    ``transport`` may force ``streamable-http`` or ``sse``. Header values are sent, never stored or shown.
    """
    return anyio.run(
        functools.partial(introspect_url_async, url, headers=headers, timeout=timeout, transport=transport)
    )


async def introspect_url_async(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    transport: str = "auto",
) -> LiveResult:
    """``introspect_url`` for callers already inside an event loop."""
    if not url.startswith(("http://", "https://")):
        raise IntrospectionError(f"{redact_url(url)!r} is not an http(s) URL")
    if transport not in ("auto", "streamable-http", "sse"):
        raise IntrospectionError(f"transport must be auto, streamable-http or sse, not {transport!r}")
    _check_timeout(timeout)
    target = redact_url(url)
    order = ["streamable-http", "sse"] if transport == "auto" else [transport]
    deadline = time.monotonic() + timeout
    failures: list[str] = []
    for kind in order:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        result = LiveResult(transport=kind, target=target)
        try:
            return await _bounded(
                _run_client(lambda kind=kind, left=remaining: _http_transport(kind, url, headers or {}, left), result),
                result,
                remaining,
                what=f"{kind} endpoint {target}",
            )
        except IntrospectionError as exc:
            failures.append(f"{kind}: {exc}")
    raise IntrospectionError(f"could not list tools at {target}: " + "; ".join(failures or ["timed out"]))


def _check_timeout(timeout: float) -> None:
    if not math.isfinite(timeout) or timeout <= 0:
        raise IntrospectionError(f"timeout must be a positive number of seconds, got {timeout}")


def _http_transport(kind: str, url: str, headers: dict[str, str], timeout: float) -> AbstractAsyncContextManager[Any]:
    if kind == "sse":
        return sse_client(url, headers=headers, timeout=timeout, sse_read_timeout=timeout)
    return _streamable_http(url, headers, timeout)


@asynccontextmanager
async def _streamable_http(url: str, headers: dict[str, str], timeout: float) -> AsyncIterator[Any]:
    """The streamable HTTP transport over an httpx client we own (headers, timeout), closed afterwards."""
    async with (
        create_mcp_http_client(headers=headers, timeout=httpx2.Timeout(timeout)) as client,
        streamable_http_client(url, http_client=client) as streams,
    ):
        yield streams


async def _bounded(
    work: Awaitable[LiveResult],
    result: LiveResult,
    timeout: float,
    *,
    what: str,
    stderr: Callable[[], str] | None = None,
) -> LiveResult:
    """Await one introspection under a hard deadline and turn every failure into IntrospectionError."""
    started = time.monotonic()
    try:
        with anyio.fail_after(timeout):
            out = await work
    except TimeoutError:
        raise IntrospectionError(
            _with_stderr(
                f"{what} did not answer within {timeout:g}s (after {result.pages} tools/list page(s)); "
                "it was stopped. Raise --timeout if it is just slow to start.",
                stderr,
            )
        ) from None
    except IntrospectionError:
        raise
    except Exception as exc:  # the SDK and transports raise many types; the reason is what matters
        raise IntrospectionError(_with_stderr(f"{what} failed: {_describe(exc)}", stderr)) from exc
    out.seconds = time.monotonic() - started
    return out


def _with_stderr(message: str, stderr: Callable[[], str] | None) -> str:
    tail = stderr() if stderr else ""
    return f"{message}\n--- server stderr (last lines) ---\n{tail}" if tail else message


def store_live_result(session: Any, result: LiveResult, *, name: str | None = None) -> tuple[Any, Any]:
    """Write a live result into the catalog: one server (source ``live``) whose tools are exactly the live list.

    The server is keyed by its command line or URL (credentials redacted), so introspecting the same
    server again updates it and records tool changes. Returns (Server, ToolSyncSummary).
    """
    from crawler.store import finish_run, start_run, sync_tools, upsert_server

    run = start_run(session, "introspect", {"transport": result.transport, "target": result.target})
    fields: dict[str, Any] = {
        "version": result.server_version,
        "title": result.server_title,
        "tools_origin": result.origin_label,
        "extra": {
            "live": {
                "instructions": result.instructions,
                "protocol_version": result.protocol_version,
                "server_name": result.server_name,
                "env_names": result.env_names,
            }
        },
    }
    if result.transport != "stdio":
        fields["remotes"] = [{"type": result.transport, "url": result.target}]
    server = upsert_server(
        session,
        name=name or result.server_name or result.target.split()[0].rsplit("/", 1)[-1],
        source="live",
        external_id=f"{result.transport}:{result.target}",
        url=result.target if result.transport != "stdio" else None,
        source_data={"target": result.target, "transport": result.transport},
        **fields,
    )
    summary = sync_tools(
        session, server, result.tools, run_id=run.id, origin_label=result.origin_label, complete=result.complete
    )
    finish_run(session, run, {"server": server.slug, "tools": len(result.tools), **summary.as_dict()})
    return server, summary
