"""Package references from the launch commands that registries and client configs write.

``npx -y @scope/pkg@1.2``, ``bunx pkg``, ``uvx --from pkg cmd``, ``uv tool run pkg``, ``uv run --with pkg``,
``pip install pkg`` and ``docker run -i --rm -e X image`` all name the artifact a user actually runs, which is
the thing worth fetching. Template values (``${VAR}``, ``<placeholder>``) and local paths are never packages.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.sources.base import PackageRef
from crawler.urls import npm_package, pypi_package

_PLACEHOLDER_RE = re.compile(r"\$\{|\{\{|<[^>]*>|^/|^\.{1,2}/|^[A-Za-z]:\\")
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=(?!=)")  # API_KEY=... passed as an argument
_DOCKER_VALUE_FLAGS = {
    "-e", "--env", "-v", "--volume", "-p", "--publish", "--name", "--network", "--net", "--mount", "--env-file",
    "-w", "--workdir", "--entrypoint", "-u", "--user", "--platform", "--add-host", "-l", "--label", "--pull",
    "--memory", "-m", "--cpus", "--cap-add", "--cap-drop", "--device", "--dns", "--hostname", "-h", "--ulimit",
    "--tmpfs", "--security-opt", "--restart", "--log-driver", "--shm-size", "--gpus", "--ipc", "--pid",
}  # fmt: skip
_UV_VALUE_FLAGS = {"--python", "-p", "--index-url", "--extra-index-url", "--index", "--directory", "--env-file"}
_NPX_VALUE_FLAGS = {"--node-options", "--registry", "--cache", "--userconfig"}


def _usable(arg: str) -> bool:
    return bool(arg) and not _PLACEHOLDER_RE.search(arg) and not _ASSIGNMENT_RE.match(arg)


def _first_positional(args: list[str], value_flags: set[str]) -> tuple[str | None, int]:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            i += 2 if arg in value_flags else 1
            continue
        return arg, i
    return None, -1


def _npm_from_args(args: list[str]) -> PackageRef | None:
    for flag in ("-p", "--package"):
        if flag in args and args.index(flag) + 1 < len(args):
            return npm_package(args[args.index(flag) + 1]) if _usable(args[args.index(flag) + 1]) else None
    arg, _ = _first_positional(args, _NPX_VALUE_FLAGS)
    return npm_package(arg) if arg and _usable(arg) else None


def _pypi_from_uv(args: list[str]) -> PackageRef | None:
    for flag in ("--from", "--with"):
        if flag in args and args.index(flag) + 1 < len(args):
            spec = args[args.index(flag) + 1]
            return pypi_package(spec) if _usable(spec) and "://" not in spec else None
    if "--directory" in args:
        return None  # runs a local checkout
    arg, _ = _first_positional(args, _UV_VALUE_FLAGS)
    return pypi_package(arg) if arg and _usable(arg) and "://" not in arg else None


def _docker_image(args: list[str]) -> PackageRef | None:
    if "run" not in args:
        return None
    rest = args[args.index("run") + 1 :]
    arg, _ = _first_positional(rest, _DOCKER_VALUE_FLAGS)
    if not arg or not _usable(arg):
        return None
    return PackageRef("oci", arg, extra={"registry": "docker"})


def package_from_command(command: str | None, args: list[Any] | None) -> PackageRef | None:
    """The package a launch command runs, or None when it runs a local file or an unknown binary."""
    if not isinstance(command, str) or not command.strip():
        return None
    argv = [str(a) for a in (args or []) if isinstance(a, str | int | float)]
    exe = command.strip().rsplit("/", 1)[-1].lower().removesuffix(".exe").removesuffix(".cmd")
    if " " in exe:  # "npx -y pkg" written as one string
        parts = command.split()
        exe, argv = parts[0].rsplit("/", 1)[-1].lower(), parts[1:] + argv
    if exe in {"npx", "bunx"}:
        return _npm_from_args(argv)
    if exe in {"pnpm", "yarn", "npm", "bun"} and argv[:1] and argv[0] in {"dlx", "exec", "x"}:
        return _npm_from_args(argv[1:])
    if exe == "uvx" or exe == "pipx" and argv[:1] == ["run"]:
        return _pypi_from_uv(argv[1:] if exe == "pipx" else argv)
    if exe == "uv":
        if argv[:2] == ["tool", "run"]:
            return _pypi_from_uv(argv[2:])
        if argv[:1] == ["run"] and "--with" in argv:
            return _pypi_from_uv(argv[1:])
        return None
    if exe in {"pip", "pip3"} and argv[:1] == ["install"]:
        arg, _ = _first_positional(argv[1:], {"-i", "--index-url", "--extra-index-url", "-r", "-c"})
        return pypi_package(arg) if arg and _usable(arg) else None
    if exe in {"docker", "podman"}:
        return _docker_image(argv)
    return None
