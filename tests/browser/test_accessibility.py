"""Every page each role can reach, checked by axe-core, and with text at twice the size.

The pages are found by following the links on each person's pages from their home, so new
pages are checked as soon as they are linked."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.demo import (
    KEYWORKER,
    MANAGER,
    PARENT,
    demo_data,
    sign_in_without_loading_pages,
)

__all__ = ["demo_data"]

# Pages of the same shape (/people/3, /people/4) are checked twice at most.
PER_SHAPE = 2
MOST_PAGES = 60
NOT_PAGES = re.compile(r"\.(ics|csv|json|zip|png|pdf)$|/sign-out|/download|/export\.")


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(page, start: str):
    """Visit the pages reachable by links from `start`, yielding each path once loaded."""
    origin = urlsplit(page.url or "http://x").netloc
    queue, seen, shapes = [start], set(), {}
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if path in seen or shapes.get(shape(path), 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
        response = page.goto(path)
        if not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        origin = urlsplit(page.url).netloc
        yield path
        for href in page.eval_on_selector_all("a[href]", "(links) => links.map((a) => a.href)"):
            url = urlsplit(urljoin(page.url, href))
            if url.netloc != origin or NOT_PAGES.search(url.path):
                continue
            queue.append(url.path + (f"?{url.query}" if url.query else ""))


# What sticks out of the screen, or is cut off, on the page as it is now.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const clippedAway = (el) => {  // the visually-hidden pattern: there for screen readers
        for (let n = el; n; n = n.parentElement) {
            const style = getComputedStyle(n);
            const box = n.getBoundingClientRect();
            if (style.clip !== 'auto' && style.clip !== '') return true;
            if (box.width <= 1 && box.height <= 1) return true;
        }
        return false;
    };
    const shown = (el) => getComputedStyle(el).display !== 'none'
        && !el.closest('[hidden], .visually-hidden, .skip-link') && !clippedAway(el);
    const cut = [...document.querySelectorAll('body *')].filter(shown).filter((el) => {
        const overflowX = getComputedStyle(el).overflowX;
        if (['auto', 'scroll'].includes(overflowX)) return false;  // scrolls on purpose
        const clipped = overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1;
        const outside = el.getBoundingClientRect().right > width + 1
            && !el.closest('.site-nav, .table-scroll');
        return clipped || outside;
    });
    return {
        pageWidth: document.documentElement.scrollWidth,
        width,
        cut: cut.slice(0, 5).map((el) => el.outerHTML.slice(0, 120)),
    };
}"""


# Words on the page that the browser has split across two lines ("Non/e of the tim/e",
# "Decembe/r"). A word may break at a hyphen or a slash, and addresses (an @ or ://) anywhere.
SPLIT_WORDS = """() => {
    const split = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el || el.closest('script, style, code, pre, .link-box, .copy-box, .visually-hidden')
            || el.getClientRects().length === 0) continue;
        const words = /\\S+/g;
        for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
            if (m[0].length < 2 || /[-\\/@\u2013\u2014]|:\\/\\//.test(m[0])) continue;
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                .map((r) => Math.round(r.bottom)));
            if (lines.size > 1) split.push(m[0]);
        }
    }
    return split.slice(0, 10);
}"""
SCREENS = {
    "a 320 px phone": {"width": 320, "height": 640},
    "a laptop": {"width": 1280, "height": 800},
}


def assert_text_resizes(page) -> None:
    """Text at 200% still fits a 360 px phone: nothing is cut off or needs sideways scrolling;
    and on a 320 px phone and a laptop no word is split across two lines."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    phone = page.viewport_size
    try:
        overflow = page.evaluate(OVERFLOW)
        assert overflow["pageWidth"] <= overflow["width"] and not overflow["cut"], (
            f"{page.url} at 200% text: {overflow}"
        )
        for screen, size in SCREENS.items():
            page.set_viewport_size(size)
            split = page.evaluate(SPLIT_WORDS)
            assert not split, f"{page.url} at 200% text on {screen} splits words: {split}"
    finally:
        page.set_viewport_size(phone)
        page.evaluate("() => { document.documentElement.style.fontSize = ''; }")


@pytest.mark.parametrize("who", [PARENT, KEYWORKER, MANAGER])
def test_every_page_a_person_can_reach_is_accessible_and_resizes(page, who, demo_data):
    sign_in_without_loading_pages(page.context, who)
    visited = []
    for path in crawl(page, "/"):
        visited.append(path)
        assert_accessible(page)
        assert_text_resizes(page)
    assert len(visited) >= 3, visited


def test_public_pages_are_accessible_and_resize(page):
    for path in ("/sign-in", "/forgot-password", "/privacy", "/offline"):
        response = page.goto(path)
        assert response.ok, path
        assert_accessible(page)
        assert_text_resizes(page)
