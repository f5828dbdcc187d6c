"""Lighthouse scores and page weights for every participant page, as the demo parent on a
phone. Run by bench/lighthouse.sh, which serves the demo data; not meant to be run alone."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# Count the service worker's own requests too (read when Playwright starts).
os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"

import requests  # noqa: E402
from flask import url_for  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.network import NetworkLog  # noqa: E402
from webapp import areas, create_app  # noqa: E402
from webapp.models import Role  # noqa: E402

PARENT = "parent@example.org"
PASSWORD = "coplan-demo"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Short names for the summary; a page not listed here is named after its endpoint.
PAGE_NAMES = {
    "home.today": "home",
    "plans.my_plan": "plan",
    "sessions.my_sessions": "book",
    "checkins.new": "check-in",
    "checkins.journey": "journey",
    "caseload.my_notes": "notes",
    "voice.ideas": "ideas",
    "privacy.index": "my-information",
    "messages.conversation": "messages",
    "contact.choose": "contact",
}
CATEGORIES = {"performance": "performance", "accessibility": "accessibility",
              "best_practices": "best-practices"}  # fmt: skip
TARGETS = {"performance": 95, "accessibility": 100, "best_practices": 100}
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


# Parent pages reached from other pages rather than the nav, measured too.
MORE_PAGES = {
    "ask-to-join": "joining.ask_to_join",
    "contact": "contact.choose",
    "messages": "messages.conversation",
}
# Lighthouse 12 on Debian's Chromium now and then loses the trace of a page load and stops
# with NO_NAVSTART ("please run Lighthouse again"); the same page then runs. Tried this often.
NO_NAVSTART_TRIES = 4


def participant_pages() -> dict[str, str]:
    """{name: path} for the parent's nav pages and the others they reach."""
    app = create_app()
    with app.test_request_context():
        links = areas.of(app).navigation[Role.PARTICIPANT]
        pages = {
            PAGE_NAMES.get(link.endpoint, link.endpoint): url_for(link.endpoint) for link in links
        }
        for name, endpoint in MORE_PAGES.items():
            if endpoint in app.view_functions and url_for(endpoint) not in pages.values():
                pages[name] = url_for(endpoint)
        return pages


def sign_in(base_url: str) -> dict[str, str]:
    """The demo parent's cookies."""
    http = requests.Session()
    form = http.get(f"{base_url}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    response = http.post(
        f"{base_url}/sign-in",
        data={"identifier": PARENT, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    if response.status_code != 302:
        sys.exit(f"Could not sign in as {PARENT} ({response.status_code}).")
    return http.cookies.get_dict()


def page_weights(base_url: str, cookies: dict[str, str], pages: dict[str, str]) -> dict:
    """Bytes over the network for a first visit (empty caches) and the next visit."""
    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[f for f in CHROME_FLAGS if f != "--headless=new"]
        )
        for name, path in pages.items():
            context = browser.new_context(base_url=base_url, **PHONE)
            context.add_cookies(
                [{"name": k, "value": v, "url": base_url} for k, v in cookies.items()]
            )
            log = NetworkLog().attach(context)
            page = context.new_page()
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.evaluate("() => navigator.serviceWorker.ready")
            page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            page.wait_for_load_state("networkidle")
            cold = log.total
            log.reset()
            page.goto(path)
            page.wait_for_load_state("networkidle")
            warm = log.total
            weights[name] = {"cold_kb": round(cold / 1024, 1), "warm_kb": round(warm / 1024, 1)}
            context.close()
        browser.close()
    return weights


def lighthouse(lighthouse_bin: str, url: str, cookies: dict[str, str], output: Path) -> dict:
    """One Lighthouse run of ``url``, tried again when Lighthouse loses the trace
    (NO_NAVSTART); ``retries`` in the answer says how often that happened."""
    retries = 0
    while True:
        finished = _run_lighthouse(lighthouse_bin, url, cookies, output)
        lost_trace = "NO_NAVSTART" in finished.stdout + finished.stderr or (
            output.exists() and "NO_NAVSTART" in output.read_text()[:20_000]
        )
        if not lost_trace or retries + 1 == NO_NAVSTART_TRIES:
            break
        retries += 1
        print(f"  Lighthouse lost the trace of {url} (NO_NAVSTART): trying again", flush=True)
    if finished.returncode != 0:
        sys.exit(f"Lighthouse failed on {url} ({retries + 1} tries):\n{finished.stderr[-2000:]}")
    return {**_read_report(url, output), "retries": retries}


def _run_lighthouse(lighthouse_bin: str, url: str, cookies: dict[str, str], output: Path):
    output.unlink(missing_ok=True)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return subprocess.run(
        [
            lighthouse_bin,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            "--only-categories=" + ",".join(CATEGORIES.values()),
            "--chrome-flags=" + " ".join(CHROME_FLAGS),
            "--extra-headers=" + json.dumps({"Cookie": cookie}),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )


def _read_report(url: str, output: Path) -> dict:
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        sys.exit(f"Lighthouse failed on {url}: {report['runtimeError']}")
    if not report["finalDisplayedUrl"].startswith(url):
        sys.exit(f"Lighthouse ended on {report['finalDisplayedUrl']}, not {url}: signed out?")
    categories = report["categories"]
    scores = {key: round(categories[cat]["score"] * 100) for key, cat in CATEGORIES.items()}
    failing = [
        audit["id"]
        for category in report["categories"].values()
        for ref in category["auditRefs"]
        if ref["weight"] > 0
        and (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
        and category["id"] != "performance"
    ]
    weight = report["audits"]["total-byte-weight"]["numericValue"]
    return {**scores, "failing": failing, "lighthouse_kb": round(weight / 1024, 1)}


def write_summary(path: Path, results: dict, runs: int) -> None:
    lines = [
        "# Performance on a cheap phone",
        "",
        "Written by `bench/lighthouse.sh` (Lighthouse 12, mobile emulation with simulated slow 4G",
        f"and a 4x slower CPU, median of {runs} run{'s' if runs != 1 else ''} per page) against",
        "the demo data, signed in as the demo parent. Page weights are measured separately in",
        "Chromium from its network log: *cold* is a first visit with empty caches (the service",
        "worker's own downloads included), *warm* the next visit, when only the page itself",
        "crosses the network. Targets: performance 95 or more, accessibility and best practices",
        "100, cold under 60 KB, warm under 10 KB.",
        "",
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on {os.cpu_count()} cores with a load",
        f"average of {os.getloadavg()[0]:.1f} at the end (Lighthouse's simulated slow phone scales",
        "the CPU time it observes, so a busy machine lowers the performance score).",
        "",
        "| page | path | performance | accessibility | best practices | cold KB | warm KB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | `{r['path']}` | {r['performance']} | {r['accessibility']} | "
            f"{r['best_practices']} | {r['cold_kb']} | {r['warm_kb']} |"
        )
    lines += [
        "",
        "Run it again with `bench/lighthouse.sh` (`RUNS=1` for a quick look); the full",
        "Lighthouse reports are left in `bench/out/`.",
        "",
    ]
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--lighthouse", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--summary", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    pages = participant_pages()
    cookies = sign_in(args.base_url)
    weights = page_weights(args.base_url, cookies, pages)
    results = {}
    for name, path in pages.items():
        url = args.base_url + path
        runs = [
            lighthouse(args.lighthouse, url, cookies, args.out / f"{name}-{n}.json")
            for n in range(1, args.runs + 1)
        ]
        median = {key: round(statistics.median(run[key] for run in runs)) for key in TARGETS}
        failing = sorted({audit for run in runs for audit in run["failing"]})
        retries = sum(run["retries"] for run in runs)
        results[name] = {"path": path, **median, **weights[name], "retries": retries}
        missed = [key for key, target in TARGETS.items() if median[key] < target]
        print(
            f"{name:<15} performance {median['performance']:>3}  accessibility "
            f"{median['accessibility']:>3}  best practices {median['best_practices']:>3}  "
            f"cold {weights[name]['cold_kb']:>5} KB  warm {weights[name]['warm_kb']:>4} KB"
            + (f"  BELOW TARGET: {', '.join(missed)}" if missed else "")
            + (f"  (audits not passed: {', '.join(failing)})" if failing else "")
            + (f"  (retried {retries}x after NO_NAVSTART)" if retries else ""),
            flush=True,
        )
    write_summary(args.summary, results, args.runs)
    summary = {
        name: {key: r[key] for key in (*TARGETS, "cold_kb", "warm_kb", "retries")}
        for name, r in results.items()
    }
    print(json.dumps({"pages": summary}))


if __name__ == "__main__":
    main()
