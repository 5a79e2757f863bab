"""Safe unpacking: traversal, links, bombs, limits and corrupt archives are refused and reported, never obeyed."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from crawler.archive import ArchiveError, ArchiveLimits, safe_member_path, unpack
from crawler.extract.dispatch import extract_path

SERVER = b'''from mcp.server.fastmcp import FastMCP
mcp = FastMCP("a")

@mcp.tool()
def archived_tool(x: int) -> int:
    """From inside an archive."""
    return x
'''


def _tar(path: Path, members: list[tuple[str, bytes | None, str]]) -> Path:
    """(name, data, kind) with kind file | symlink | hardlink."""
    with tarfile.open(path, "w:gz") as tf:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                assert data is not None
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                info.linkname = "/etc/passwd"
                tf.addfile(info)
    return path


def test_member_paths() -> None:
    assert safe_member_path("pkg/a.py") is not None
    assert safe_member_path("./pkg/./a.py").as_posix() == "pkg/a.py"
    for bad in ("/etc/passwd", "../x", "pkg/../../x", "C:/x", "", "..\\x"):
        assert safe_member_path(bad) is None, bad


def test_traversal_and_links_are_refused_and_the_rest_extracted(tmp_path: Path) -> None:
    archive = _tar(
        tmp_path / "evil-1.0.tar.gz",
        [
            ("pkg/server.py", SERVER, "file"),
            ("../escaped.py", b"x", "file"),
            ("/abs.py", b"x", "file"),
            ("pkg/link.py", None, "symlink"),
            ("pkg/hard.py", None, "hardlink"),
        ],
    )
    result = extract_path(archive)
    assert [t.name for t in result.tools] == ["archived_tool"]
    reasons = " | ".join(p.reason for p in result.problems)
    assert reasons.count("unsafe member path") == 2
    assert reasons.count("link member") == 2
    assert not (tmp_path / "escaped.py").exists() and not Path("/abs.py").exists()


def test_zip_bomb_is_cut_off(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.py", b"0" * 3_000_000)
    out = tmp_path / "out"
    out.mkdir()
    result = unpack(archive, out, ArchiveLimits(max_file_bytes=10_000_000))
    assert result.files == 0
    assert "compression ratio" in result.problems[0].reason
    assert not (out / "big.py").exists()


def test_total_size_and_file_count_limits(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(20):
            zf.writestr(f"f{i}.py", b"a" * 1000)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveError, match="more than 5 files"):
        unpack(archive, out, ArchiveLimits(max_archive_files=5))
    with pytest.raises(ArchiveError, match="more than 5000 bytes"):
        unpack(archive, out, ArchiveLimits(max_archive_bytes=5000))


def test_corrupt_and_truncated_archives_are_reported(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"\x1f\x8b\x08 not really gzip")
    good = _tar(tmp_path / "good.tar.gz", [("pkg/server.py", SERVER * 50, "file")])
    truncated = tmp_path / "truncated.tgz"
    truncated.write_bytes(good.read_bytes()[:200])
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"PK\x03\x04 nope")
    for path in (garbage, truncated, bad_zip):
        result = extract_path(path)
        assert result.servers == []
        assert "corrupt or unsafe archive" in result.problems[0].reason, path


def test_wheel_is_a_zip_and_is_extracted(tmp_path: Path) -> None:
    wheel = tmp_path / "demo_server-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("demo_server/server.py", SERVER)
        zf.writestr("demo_server-1.0.dist-info/METADATA", "Name: demo-server\nRequires-Dist: mcp>=1.0\n")
    result = extract_path(wheel)
    assert [t.name for t in result.tools] == ["archived_tool"]
    assert result.tools[0].file == "demo_server/server.py"
    assert result.servers[0].name == "demo-server"


def test_sdist_top_folder_is_stepped_into_and_named_from_the_manifest(tmp_path: Path) -> None:
    pyproject = b'[project]\nname = "weather-mcp"\ndependencies = ["mcp>=1.2"]\n'
    archive = _tar(
        tmp_path / "weather_mcp-0.1.tar.gz",
        [("weather_mcp-0.1/pyproject.toml", pyproject, "file"), ("weather_mcp-0.1/w/server.py", SERVER, "file")],
    )
    result = extract_path(archive)
    assert [s.name for s in result.servers] == ["weather-mcp"]
    assert result.tools[0].file == "w/server.py"
