"""An incremental rebuild must produce exactly the site a full build produces from the same catalog.

The rebuild decides what to re-render from digests, a cache of per-server summaries and the previous
manifest; any input it misses shows up here as a file that differs from a build from scratch. The
synthetic catalog is large enough (hundreds of tools per capability) that "related tools" neighbourhoods
are local, so the rebuild really skips most servers and the comparison tests the skipping.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update
from sqlmodel import Session
from sqlmodel import select as model_select

from catalog.config import Settings
from catalog.db import Catalog
from catalog.models import Classification, Server, Tool, ToolChange, utcnow
from catalog.synthetic import populate
from publisher.site import machine
from publisher.site.bench import change_fraction, classify_synthetic
from publisher.site.build_cache import CACHE_NAME
from publisher.site.builder import build_site
from publisher.site.keys import link_entries
from publisher.site.loader import load_definitions, load_site_data
from publisher.site.related import Neighbourhoods
from tests.test_site_catalog import make_catalog, write_policies


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".build-")
    }


def _assert_same_site(incremental: Path, full: Path) -> None:
    a, b = _files(incremental), _files(full)
    assert sorted(a) == sorted(b), (sorted(a.keys() - b.keys())[:5], sorted(b.keys() - a.keys())[:5])
    differing = [rel for rel in a if a[rel] != b[rel]]
    assert not differing, differing[:10]


def _settings(db: str, policies: Path) -> Settings:
    settings = Settings(db=db, policies_dir=policies)
    settings.extra["site_url"] = "https://catalog.example.org/"
    return settings


def _synthetic_edits(session: Session, rng: random.Random) -> None:
    """What a crawl and a reclassification do: new descriptions, new ratings, a renamed, a removed and an
    added tool, a retitled server and a server gone from the catalog."""
    change_fraction(session, 0.01, version=f"bench-{rng.random()}")
    table, cls = Tool.__table__, Classification.__table__
    ids = [r[0] for r in session.connection().execute(select(table.c.id).order_by(table.c.id))]
    picked = rng.sample(ids, 12)
    for tool_id in picked[:4]:  # re-rated in place: same row, new risk and capabilities
        session.execute(
            update(cls).where(cls.c.tool_id == tool_id).values(risk="Critical", capabilities=["code_execution"])
        )
    session.execute(update(table).where(table.c.id == picked[4]).values(name="zz_renamed_tool", fingerprint="r" * 64))
    session.execute(update(table).where(table.c.id == picked[5]).values(present=False))
    server_id = session.connection().execute(select(table.c.server_id).where(table.c.id == picked[6])).scalar_one()
    new_id = (
        session.connection()
        .execute(
            insert(table).values(
                server_id=server_id,
                name="aaa_new_tool",
                description="A tool added by the latest crawl.",
                input_schema={"type": "object", "properties": {"path": {"type": "string"}}},
                annotations={},
                origin="static",
                fingerprint="n" * 64,
                present=True,
                first_seen=utcnow(),
                last_seen=utcnow(),
            )
        )
        .inserted_primary_key[0]
    )
    session.execute(
        insert(ToolChange.__table__).values(
            server_id=server_id, tool_id=new_id, tool_name="aaa_new_tool", kind="added", changed_fields=[], at=utcnow()
        )
    )
    classify_synthetic(session, [new_id], version="bench-3")
    servers = Server.__table__
    other = session.connection().execute(select(table.c.server_id).where(table.c.id == picked[7])).scalar_one()
    session.execute(update(servers).where(servers.c.id == other).values(title="A Retitled Server"))
    gone = session.connection().execute(select(table.c.server_id).where(table.c.id == picked[8])).scalar_one()
    session.execute(update(servers).where(servers.c.id == gone).values(status="deleted"))
    session.commit()


def test_incremental_rebuild_equals_a_full_build_on_a_synthetic_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(machine, "SITEMAP_LIMIT", 300)  # a sitemap index over parts, as at 100k tools
    db = str(tmp_path / "c.db")
    settings = _settings(db, tmp_path / "no-policies")
    catalog = Catalog(db)
    with catalog.session() as session:
        populate(session, 80, seed=3)
        classify_synthetic(session)
        build_site(session, settings, tmp_path / "inc", workers=1)
        _synthetic_edits(session, random.Random(5))
        summary = build_site(session, settings, tmp_path / "inc", workers=1)
        build_site(session, settings, tmp_path / "full", workers=1)
        _assert_same_site(tmp_path / "inc", tmp_path / "full")
        # Many servers were kept wholesale: the comparison is a test of the skipping, not of a re-render.
        assert summary["servers_skipped"] > summary["servers"] / 5
        assert 0 < summary["written"] < summary["files"] / 4
        # New descriptions only: the browse pages, search index, server index and sitemap parts are kept.
        change_fraction(session, 0.02, version="bench-4")
        summary = build_site(session, settings, tmp_path / "inc", workers=1)
        # Kept: all but llms-full.txt (it shows descriptions); the sitemap index alone gets the new date.
        assert set(summary["artifacts_kept"]) == {"browse", "servers", "search", "sitemap"}
        build_site(session, settings, tmp_path / "full1", workers=1)
        _assert_same_site(tmp_path / "inc", tmp_path / "full1")
        # A second round of edits on top of an incremental build (its cache and manifest) still matches.
        _synthetic_edits(session, random.Random(6))
        build_site(session, settings, tmp_path / "inc", workers=1)
        build_site(session, settings, tmp_path / "full2", workers=1)
    catalog.dispose()
    _assert_same_site(tmp_path / "inc", tmp_path / "full2")


def _fixture(tmp_path: Path) -> tuple[Catalog, Settings]:
    db = str(tmp_path / "c.db")
    return Catalog(db), _settings(db, write_policies(tmp_path / "policies"))


def _redescribe(session: Session) -> Tool:
    tool = session.exec(model_select(Tool).where(Tool.name == "list_tables")).one()
    tool.description, tool.fingerprint = "Lists tables and views.", "f" * 64
    return tool


def test_incremental_rebuild_equals_a_full_build_on_the_fixture_catalog(tmp_path: Path) -> None:
    catalog, settings = _fixture(tmp_path)
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, tmp_path / "inc", workers=1)
        tool = _redescribe(session)
        server = session.exec(model_select(Server).where(Server.slug == "payments-mcp")).one()
        server.title = "Payments (renamed)"
        session.add_all([tool, server])
        session.commit()
        build_site(session, settings, tmp_path / "inc", workers=1)
        build_site(session, settings, tmp_path / "full", workers=1)
    catalog.dispose()
    _assert_same_site(tmp_path / "inc", tmp_path / "full")


def _catalog_dicts(rng: random.Random, n_servers: int) -> tuple[list[dict], dict[int, dict]]:
    """Servers and tools shaped like the loader's, with few distinct names so neighbourhoods overlap."""
    names = ["delete_file", "delete_files", "read_file", "run_query", "send_mail", "list_pods", "get_user"]
    caps = [["filesystem"], ["code_execution"], [], ["network_egress", "filesystem"]]
    servers, tools, next_id = [], {}, 1
    for s in range(n_servers):
        server = {"id": s + 1, "slug": f"s{s:03d}", "name": f"s{s}", "title": None, "tool_ids": []}
        for name in rng.sample(names, rng.randint(1, 4)):
            cls = {"category": rng.choice(["Read", "Write"]), "risk": rng.choice(["Low", "High"])}
            cls["capabilities"] = rng.choice(caps)
            tools[next_id] = {"id": next_id, "server_id": s + 1, "name": name, "slug": name, "cls": cls}
            tools[next_id]["server_slug"] = server["slug"]
            server["tool_ids"].append(next_id)
            next_id += 1
        servers.append(server)
    return servers, tools


def test_dirty_tools_cover_every_changed_related_link() -> None:
    """Brute force: after random edits, every tool whose "same capability elsewhere" links changed is in
    a changed server or in the dirty set the rebuild computes from the changed servers' entries alone."""
    for seed in range(20):
        rng = random.Random(seed)
        servers, tools = _catalog_dicts(rng, 40)
        by_id = {s["id"]: s for s in servers}
        old_entries = {s["slug"]: link_entries(s, [tools[i] for i in s["tool_ids"]]) for s in servers}
        before = Neighbourhoods(servers, tools)
        old_links = {t: _shown(before, t, by_id) for t in tools}
        changed = set(rng.sample([s["slug"] for s in servers], 3))
        for server in servers:
            if server["slug"] in changed:
                _edit(rng, server, tools)
        after = Neighbourhoods(servers, tools)
        edited = [s for s in servers if s["slug"] in changed]
        new_entries = [e for s in edited for e in link_entries(s, [tools[i] for i in s["tool_ids"]])]
        dirty = after.dirty([e for s in changed for e in old_entries[s]], new_entries)
        in_changed = {t for s in edited for t in s["tool_ids"]}
        stale = {t for t in tools if _shown(after, t, by_id) != old_links[t]}
        assert stale - in_changed <= dirty, seed
        assert dirty < set(tools), seed  # local: not every tool is re-examined


def _edit(rng: random.Random, server: dict, tools: dict[int, dict]) -> None:
    for tool_id in list(server["tool_ids"]):
        tool, roll = tools[tool_id], rng.random()
        if roll < 0.3:
            tool["cls"] = dict(tool["cls"], capabilities=rng.choice([["filesystem"], ["code_execution"]]))
        elif roll < 0.5:
            tool["cls"] = dict(tool["cls"], risk="Critical")
        elif roll < 0.7:
            server["tool_ids"].remove(tool_id)
            del tools[tool_id]
    if rng.random() < 0.5:
        server["title"] = "Renamed"


def _shown(hood: Neighbourhoods, tool_id: int, by_id: dict[int, dict]) -> list[tuple]:
    """What a tool page shows of its related tools elsewhere: which tools, and each link's text."""
    shown = []
    for via, other_id in hood.elsewhere(tool_id):
        other = hood.tools[other_id]
        server = by_id[other["server_id"]]
        shown.append((via, other_id, other["name"], other["cls"]["risk"], server["title"] or server["name"]))
    return shown


def test_a_missing_or_damaged_cache_falls_back_to_checking_every_file(tmp_path: Path) -> None:
    """Without a usable cache the rebuild cannot know which links to other servers changed: it checks
    every file's key (no server kept wholesale) and still writes only what changed."""
    catalog, settings = _fixture(tmp_path)
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, tmp_path / "inc", workers=1)
        (tmp_path / "inc" / CACHE_NAME).write_text('{"salt": "x"}\nnot json\t{', encoding="utf-8")
        session.add(_redescribe(session))
        session.commit()
        damaged = build_site(session, settings, tmp_path / "inc", workers=1)
        (tmp_path / "inc" / CACHE_NAME).unlink()
        missing = build_site(session, settings, tmp_path / "inc", workers=1)
        again = build_site(session, settings, tmp_path / "inc", workers=1)
        build_site(session, settings, tmp_path / "full", workers=1)
    catalog.dispose()
    assert damaged["servers_skipped"] == 0 and 0 < damaged["written"] < 10
    assert missing["servers_skipped"] == 0 and missing["written"] == 0
    assert again["servers_skipped"] == again["servers"]  # the cache is back
    _assert_same_site(tmp_path / "inc", tmp_path / "full")


def test_a_rebuild_reads_descriptions_only_for_servers_it_re_renders(tmp_path: Path) -> None:
    """The light load leaves out every tool's description, and both loads agree on every server's digest
    (a build with and one without the heavy columns must see the same servers as changed)."""
    catalog, _settings = _fixture(tmp_path)
    with catalog.session() as session:
        make_catalog(session)
        full, light = load_site_data(session), load_site_data(session, definitions=False)
        assert any(t.get("description") for t in full.tools.values())
        assert not any("description" in t or "input_schema" in t for t in light.tools.values())
        assert [s["_raw"] for s in full.servers] == [s["_raw"] for s in light.servers]
        tool = _redescribe(session)
        session.add(tool)
        session.commit()
        changed = load_site_data(session, definitions=False)
        differ = [a["slug"] for a, b in zip(light.servers, changed.servers, strict=True) if a["_raw"] != b["_raw"]]
        assert differ == [changed.tools[tool.id]["server_slug"]]
        load_definitions(session, changed.tools, [tool.id])
        assert changed.tools[tool.id]["description"] == "Lists tables and views."
    catalog.dispose()


def test_llms_full_without_the_previous_file_is_rebuilt_from_every_description(tmp_path: Path) -> None:
    """When the previous llms-full.txt cannot be reused, the rebuild loads the descriptions of unchanged
    servers too, and the file is the one a full build writes."""
    catalog, settings = _fixture(tmp_path)
    with catalog.session() as session:
        make_catalog(session)
        build_site(session, settings, tmp_path / "inc", workers=1)
        (tmp_path / "inc" / "llms-full.txt").write_text("edited by hand\n", encoding="utf-8")
        tool = _redescribe(session)
        session.add(tool)
        session.commit()
        summary = build_site(session, settings, tmp_path / "inc", workers=1)
        build_site(session, settings, tmp_path / "full", workers=1)
    catalog.dispose()
    assert summary["servers_skipped"] > 0
    _assert_same_site(tmp_path / "inc", tmp_path / "full")
