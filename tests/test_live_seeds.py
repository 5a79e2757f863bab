"""The quickstart seed list and its parser; the measure script's pure parts (unpacking, comparing, report)."""

from __future__ import annotations

import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from catalog.records import ToolRecord
from crawler.seeds import Seed, SeedError, parse_seed_line, parse_seeds, quickstart

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import measure_extraction as measure  # noqa: E402


def test_quickstart_is_about_thirty_pinned_npm_and_pypi_packages() -> None:
    seeds = quickstart()
    assert 28 <= len(seeds) <= 40
    assert all(s.version for s in seeds), "every quickstart seed is pinned"
    ecosystems = {s.ecosystem for s in seeds}
    assert ecosystems == {"npm", "pypi"}
    assert sum(s.ecosystem == "pypi" for s in seeds) >= 10
    assert len({s.name for s in seeds}) == len(seeds)


def test_seed_lines() -> None:
    assert parse_seed_line("npm:@scope/pkg@1.2.3  # comment") == Seed("npm", "@scope/pkg", "1.2.3")
    assert parse_seed_line("pypi:mcp-server-fetch==2025.4.7") == Seed("pypi", "mcp-server-fetch", "2025.4.7")
    assert parse_seed_line("npm:plain") == Seed("npm", "plain", None)
    assert parse_seed_line("   # only a comment") is None
    assert str(Seed("pypi", "x", "1")) == "pypi:x==1" and Seed("npm", "@a/b", "2").spec == "@a/b@2"
    for bad in ("cargo:foo", "npm:", "pypi:bad name", "npm:@scope"):
        with pytest.raises(SeedError):
            parse_seed_line(bad)
    with pytest.raises(SeedError, match="line 2"):
        parse_seeds("npm:ok\nnope\n")
    assert parse_seeds("npm:a\nnpm:a\n") == [Seed("npm", "a")]


def _tgz(entries: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buf.getvalue()


def test_safe_unpack_keeps_files_inside_and_drops_links(tmp_path: Path) -> None:
    archive = tmp_path / "pkg.tgz"
    archive.write_bytes(_tgz({"package/index.js": b"x"}, links={"package/evil": "/etc/passwd"}))
    out = measure.safe_unpack(archive, tmp_path / "out")
    assert (out / "package" / "index.js").read_bytes() == b"x"
    assert not (out / "package" / "evil").exists()
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(_tgz({"../escape.js": b"x"}))
    with pytest.raises(tarfile.TarError):
        measure.safe_unpack(bad, tmp_path / "out2")
    assert not (tmp_path / "escape.js").exists()
    zipped = tmp_path / "w.whl"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("../../outside.py", "x")
    with pytest.raises(RuntimeError, match="outside"):
        measure.safe_unpack(zipped, tmp_path / "out3")


def test_compare_and_report(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text('server.tool(dynamicName("search_" + kind))  // search_docs')
    report = measure.PackageReport(seed="npm:x@1", live_status="ok", static_status="ok")
    static = [ToolRecord("read_file", description="Read."), ToolRecord("enum_value")]
    live = [ToolRecord("read_file", description="Read."), ToolRecord("search_docs"), ToolRecord("runtime_only")]
    measure.compare(report, static, live, tmp_path)
    assert report.true_positives == 1
    assert report.precision() == 0.5 and report.recall() == pytest.approx(1 / 3)
    assert report.description_matches == 1
    why = {m["tool"]: m["why"] for m in report.missed}
    assert why["search_docs"].startswith("name is in index.js")
    assert why["runtime_only"].startswith("name not in the artifact")
    assert [e["tool"] for e in report.extra] == ["enum_value"]
    failed = measure.PackageReport(seed="pypi:y==1", live_status="failed: needs a key", static_status="ok")
    measure.compare(failed, [ToolRecord("a")], [], tmp_path)
    total = measure.totals([report, failed])
    assert total["compared"] == 1 and total["precision"] == 0.5 and total["recall"] == round(1 / 3, 4)
    text = measure.markdown([report, failed], total)
    assert "missed `runtime_only`" in text and "extra `enum_value`" in text and "failed: needs a key" in text
    json.dumps(total)
