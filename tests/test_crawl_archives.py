"""Declared tool lists read from untrusted archives: nothing is written, unsafe entries are refused."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from crawler.crawl import extracting
from crawler.crawl.extracting import manifest_tools, select_servers
from crawler.testing.fixture_server import make_tar_gz, make_zip
from tests.fixture_server import tools_json


def tar_with(members: list[tarfile.TarInfo], data: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for info in members:
            tar.addfile(info, io.BytesIO(data[info.name]) if info.name in data else None)
    return raw.getvalue()


def file_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    return info


def test_npm_wheel_and_mcpb_manifests(tmp_path: Path) -> None:
    npm = tmp_path / "a.tgz"
    npm.write_bytes(make_tar_gz({"tools.json": tools_json("ping")}, "package/"))
    wheel = tmp_path / "b.whl"
    wheel.write_bytes(make_zip({"pkg/tools.json": tools_json("pong")}))
    mcpb = tmp_path / "c.zip"
    mcpb.write_bytes(make_zip({"manifest.json": '{"name": "x", "tools": [{"name": "run", "description": "Run."}]}'}))
    assert [t.name for t in manifest_tools(npm).tools] == ["ping"]
    assert [t.name for t in manifest_tools(wheel).tools] == ["pong"]
    result = manifest_tools(mcpb)
    assert [(t.name, t.description) for t in result.tools] == [("run", "Run.")]
    plain = tmp_path / "d.zip"
    plain.write_bytes(make_zip({"manifest.json": '{"name": "x", "version": "1"}'}))  # a manifest without tools
    assert manifest_tools(plain).tools == [] and manifest_tools(plain).problems == []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("absolute", "path outside"),
        ("dotdot", "path outside"),
        ("symlink", None),
        ("huge", "too large"),
        ("corrupt", "corrupt or truncated"),
        ("truncated", "corrupt or truncated"),
        ("not_json", "unreadable tool list"),
    ],
)
def test_bad_archive_cases(tmp_path: Path, case: str, message: str | None) -> None:
    body = tools_json("evil").encode()
    path = tmp_path / "bad.tgz"
    if case == "absolute":
        path.write_bytes(tar_with([file_info("/etc/tools.json", len(body))], {"/etc/tools.json": body}))
    elif case == "dotdot":
        name = "package/../../tools.json"
        path.write_bytes(tar_with([file_info(name, len(body))], {name: body}))
    elif case == "symlink":
        link = tarfile.TarInfo("package/tools.json")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        path.write_bytes(tar_with([link], {}))
    elif case == "huge":
        name = "package/tools.json"
        big = b" " * (extracting.MAX_MANIFEST_BYTES + 1)
        path.write_bytes(tar_with([file_info(name, len(big))], {name: big}))
    elif case == "corrupt":
        path.write_bytes(b"\x1f\x8b\x08 this is not a gzip stream")
    elif case == "truncated":
        path.write_bytes(make_tar_gz({"tools.json": tools_json(*[f"t{i}" for i in range(300)])}, "package/")[:300])
    else:
        path.write_bytes(make_tar_gz({"tools.json": "{not json"}, "package/"))
    result = manifest_tools(path)
    assert result.tools == []
    reasons = " ".join(p.reason for p in result.problems)
    if message:
        assert message in reasons
    else:
        assert result.problems == []  # a symlink is simply not followed
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "tools.json").exists()


def test_too_many_entries_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extracting, "MAX_MEMBERS", 5)
    path = tmp_path / "many.tgz"
    path.write_bytes(make_tar_gz({f"f{i}.txt": "x" for i in range(10)}))
    assert "refused: more than 5 entries" in manifest_tools(path).problems[0].reason


def test_monorepo_subfolder_selection(tmp_path: Path) -> None:
    path = tmp_path / "repo.tar.gz"
    files = {"servers/db/tools.json": tools_json("query"), "servers/fs/tools.json": tools_json("read")}
    path.write_bytes(make_tar_gz(files, "acme-mono-0123abc/"))
    result = manifest_tools(path)
    assert [s.name for s in select_servers(result, "servers/db")[0].tools] == ["query"]
    assert sorted(s.subpath for s in select_servers(manifest_tools(path), None)) == ["servers/db", "servers/fs"]


def test_subfolder_selection_when_the_extractor_did_not_split_the_tree() -> None:
    from catalog.records import ExtractionResult, ServerExtraction, ToolRecord

    whole = ServerExtraction(
        name="mono",
        subpath="acme-mono-0123abc",
        tools=[ToolRecord("query", file="servers/db/src/index.ts"), ToolRecord("read", file="servers/fs/main.py")],
    )
    picked = select_servers(ExtractionResult(servers=[whole]), "servers/db")
    assert [(s.subpath, [t.name for t in s.tools]) for s in picked] == [("servers/db", ["query"])]
