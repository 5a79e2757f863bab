"""The built site in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Serves the fixture site on 127.0.0.1 from the test, then checks what only a browser can: search, table
filters and sorting, copy buttons, no console errors, and that hostile descriptions run no script.
Screenshots of a tool page and a server page go to tests/_artifacts/ (git-ignored) for a human to look at.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_site_build import _build

expect = pytest.importorskip("playwright.sync_api").expect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "_artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from publisher.site.serve import make_server

    tmp = tmp_path_factory.mktemp("browser")
    out, _ = _build(tmp, str(tmp / "catalog.db"))
    server = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page with its console errors, uncaught exceptions and dialogs recorded."""

    def __init__(self, context: object) -> None:
        self.page = context.new_page()  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]


@pytest.fixture
def watched(browser: object, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    w = Watched(context)
    try:
        yield w
    finally:
        context.close()
    assert w.errors == [], f"console errors: {w.errors}"
    assert w.dialogs == [], f"a script ran: {w.dialogs}"


def test_search_finds_tools_filters_and_sorts(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "search/?q=refund")
    page.wait_for_selector("#results li")
    assert "create_refund" in page.inner_text("#results")
    page.fill("#q", "delete")
    expect(page.locator("#results")).to_contain_text("delete_repository")
    page.uncheck("input[name=risk][value=Critical]")
    expect(page.locator("#results")).not_to_contain_text("delete_repository")
    page.check("input[name=risk][value=Critical]")
    page.fill("#q", "get")
    expect(page.locator("#results li").nth(2)).to_be_visible()
    page.select_option("#sort", "name")
    page.wait_for_timeout(200)
    names = page.eval_on_selector_all("#results li a", "els => els.map(e => e.textContent)")
    assert names == sorted(names, key=str.lower)
    page.check("input[name=kind][value=s]")
    page.fill("#q", "github")
    expect(page.locator("#results")).to_contain_text("GitHub MCP")
    assert "get_issue" not in page.inner_text("#results")


def test_server_table_filter_and_sort(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "servers/github-mcp/")
    assert page.is_visible(".table-controls")
    page.select_option(".f-risk", "Critical")
    visible = page.eval_on_selector_all("#tool-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.name)")
    assert visible == ["delete_repository"]
    page.select_option(".f-risk", "")
    page.fill(".f-text", "add_issue")
    visible = page.eval_on_selector_all("#tool-table tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.name)")
    assert visible == ["add_issue_comment"]
    assert "1 of 4 tools shown" in page.inner_text(".f-count")
    page.fill(".f-text", "")
    page.click("th[data-sort=rank] button")
    order = page.eval_on_selector_all("#tool-table tbody tr", "rows => rows.map(r => r.dataset.risk)")
    assert order[0] == "Critical" and order[-1] in ("Low", "Medium")
    assert page.get_attribute("th[data-sort=rank]", "aria-sort") == "descending"
    page.click("th[data-sort=name] button")
    names = page.eval_on_selector_all("#tool-table tbody tr", "rows => rows.map(r => r.dataset.name)")
    assert names == sorted(names)
    ARTIFACTS.mkdir(exist_ok=True)
    page.fill(".f-text", "")
    page.screenshot(path=str(ARTIFACTS / "server-page.png"), full_page=True)


def test_copy_button_copies_the_snippet(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "tools/github-mcp/delete_repository/")
    button = page.locator("button.copy").first
    target = button.get_attribute("data-copy")
    expected = page.inner_text(f"#{target}")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert '"approval"' in expected
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tool-page.png"), full_page=True)


def test_hostile_descriptions_run_no_script(watched: Watched, base_url: str) -> None:
    page = watched.page
    for path in ("tools/hostile-mcp/preview/", "tools/hostile-mcp/fetch_page/", "servers/hostile-mcp/"):
        page.goto(base_url + path)
        assert page.locator("main img").count() == 0
        assert page.evaluate("document.querySelectorAll('script:not([src])').length") == 0
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.goto(base_url + "tools/hostile-mcp/preview/").text()
    assert "<img src=x onerror=alert(1)>" in page.inner_text("blockquote.declared")
    page.goto(base_url + "search/?q=preview")
    page.wait_for_selector("#results li")
    page.goto(base_url + "search/?q=hostile")
    page.wait_for_selector("#results li")
    assert page.locator("#results b").count() == 0  # server title markup stays text


def test_pages_work_by_keyboard_and_without_javascript(browser: object, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(base_url + "servers/github-mcp/")
        assert page.locator("#tool-table tbody tr").count() == 4  # the table is there without scripts
        assert not page.is_visible(".table-controls")  # controls that need JS stay hidden
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.goto(base_url + "search/")
        assert "needs JavaScript" in page.inner_text("main")
    finally:
        context.close()


def test_search_works_from_file_urls_without_a_server(browser: object, base_url: str, tmp_path: Path) -> None:
    out, _ = _build(tmp_path, str(tmp_path / "catalog.db"))
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        w = Watched(context)
        w.page.goto((out / "search" / "index.html").as_uri() + "?q=refund")
        expect(w.page.locator("#results")).to_contain_text("create_refund")
        assert w.errors == [] and w.dialogs == []
    finally:
        context.close()


def test_pages_fit_a_phone_screen(browser: object, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    try:
        w = Watched(context)
        for path in ("tools/hostile-mcp/etc-passwd-936d7c04/", "servers/github-mcp/", "risk/critical/", ""):
            w.page.goto(base_url + path)
            width = w.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 391, f"{path or 'home'} scrolls sideways on a phone ({width}px)"
        ARTIFACTS.mkdir(exist_ok=True)
        w.page.goto(base_url + "tools/github-mcp/delete_repository/")
        w.page.screenshot(path=str(ARTIFACTS / "tool-page-phone.png"), full_page=False)
        assert w.errors == []
    finally:
        context.close()
