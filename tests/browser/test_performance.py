"""CoPlan on a cheap phone on patchy mobile data: what each participant page costs over the
network on the first visit and on the next, measured by the browser itself."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.demo import PARENT, demo_data, nav_pages, sign_in_without_loading_pages
from tests.browser.network import NetworkLog
from webapp.models import Role

__all__ = ["demo_data"]

KB = 1024
COLD_BUDGET = 60 * KB
WARM_BUDGET = 10 * KB
JAVASCRIPT_BUDGET = 25 * KB


@pytest.fixture
def parent_phone(browser, browser_context_args, demo_data):
    """A fresh phone (empty caches, no service worker) signed in as the demo parent."""
    contexts = []

    def open_phone():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        sign_in_without_loading_pages(context, PARENT)
        log = NetworkLog().attach(context)
        return context.new_page(), log

    yield open_phone
    for context in contexts:
        context.close()


def load(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")


def wait_for_service_worker(page) -> None:
    """The worker has installed its shell and controls the page."""
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_load_state("networkidle")


def test_every_participant_page_is_light_on_first_and_later_visits(app, parent_phone):
    pages = nav_pages(app, Role.PARTICIPANT)
    assert ("home.today", "/today") in pages
    for endpoint, path in pages:
        page, log = parent_phone()
        load(page, path)
        assert page.url.endswith(path), f"{endpoint} went to {page.url}"
        wait_for_service_worker(page)
        assert log.total < COLD_BUDGET, f"{endpoint} cold: {log.total} bytes\n{log.describe()}"
        assert any(t.by_service_worker for t in log.transfers), "the worker fetched no shell"

        log.reset()
        load(page, path)
        assert log.total < WARM_BUDGET, f"{endpoint} warm: {log.total} bytes\n{log.describe()}"
        # Only the page itself crosses the network; styles, scripts and icons come from the
        # phone.
        assert {t.url for t in log.transfers if t.bytes} == {page.url}, log.describe()


def test_all_javascript_is_small_and_no_font_blocks_rendering(app, parent_phone):
    page, log = parent_phone()
    # The compressed size of each script, over every page. Chromium asks for gzip over plain
    # http (brotli only over https), so this errs on the high side.
    script_bytes: dict[str, int] = {}
    for _endpoint, path in nav_pages(app, Role.PARTICIPANT):
        log.reset()
        load(page, path)
        for t in log.transfers:
            if urlsplit(t.url).path.endswith(".js") and not t.url.endswith("/sw.js"):
                script_bytes[t.url] = max(t.body, script_bytes.get(t.url, 0))
        assert not [t for t in log.transfers if t.resource_type == "font"], log.describe()
        blocking_fonts = page.evaluate(
            """() => [...document.styleSheets].flatMap((sheet) => [...sheet.cssRules])
                .filter((rule) => rule instanceof CSSFontFaceRule)
                .filter((rule) => !['swap', 'optional', 'fallback'].includes(
                    rule.style.getPropertyValue('font-display')))
                .map((rule) => rule.cssText)"""
        )
        assert blocking_fonts == [], f"{path}: {blocking_fonts}"
    assert any("htmx" in url for url in script_bytes), "no scripts seen: the log is not working"
    assert sum(script_bytes.values()) < JAVASCRIPT_BUDGET, script_bytes
