"""The pictures in a real browser (docs/spec.md §12): headless Chromium, the distribution's
(`.ci/run` installs it), driven by Playwright. Each page renders with no console error and asks for
nothing beyond its own file, every person is in the rendered text, and a screenshot is kept
under tests/artifacts/ (KAM_TEST_ARTIFACTS names another folder).

Skipped where there is no Chromium or no Playwright, unless KAM_TEST_BROWSER=required (as CI
sets it): then that is a failure."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLE, ROOT

NAMES = ["陈志远", "王建华", "李娜", "赵强", "孙悦", "钱伟"]  # 华东电力集团 in the example
# Chromium here must not reach out on its own (the machine may have no network at all)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(os.environ.get("KAM_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")


def _chromium() -> str | None:
    found = os.environ.get("KAM_TEST_CHROMIUM")
    if found:
        return found
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _missing(reason: str) -> None:
    if os.environ.get("KAM_TEST_BROWSER") == "required":
        pytest.fail(f"KAM_TEST_BROWSER=required, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    if executable is None:
        _missing("no Chromium found (apt-get install chromium, or set KAM_TEST_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


def render(browser, path: Path, shot: str) -> str:
    """Open `path` as a user would (file://), refuse every request for anything but itself, and
    return the rendered text after checking there was no console error and no other request;
    a screenshot of the window is saved as `shot`."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url == path.as_uri():
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    if path.suffix == ".svg":
        text = page.evaluate("document.documentElement.textContent")
    else:
        text = page.inner_text("body")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot))
    print(f"screenshot: {ARTIFACTS / shot}")
    page.close()
    assert errors == [], errors
    assert outside == [], outside
    return text


@pytest.fixture
def example(kam):
    assert kam("import", EXAMPLE).exit_code == 0
    assert kam("relate", "李娜", "孙悦", "--kind", "trusts").exit_code == 0
    assert kam("relate", "赵强", "王建华", "--kind", "peer").exit_code == 0


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["map", "华东电力集团", "--format", "html"], "map.html"),
        (["map", "华东电力集团", "--format", "svg"], "map.svg"),
        (["show", "华东电力集团", "--format", "html"], "show.html"),
        (["--lang", "zh", "map", "华东电力集团", "--format", "html"], "map-zh.html"),
    ],
)
def test_each_page_renders_every_person_with_no_error_and_no_request(browser, kam, example, tmp_path, args, name):
    path = tmp_path / name
    assert kam(*args, "-o", path).exit_code == 0
    text = render(browser, path, name.replace(".", "-") + ".png")
    assert all(n in text for n in NAMES)
    assert ("单点" if "zh" in args else "single point") in text


def test_two_thousand_people_render(browser, kam, tmp_path):
    rows = ["account,name,title,reports_to"] + [
        f"Big,P{i},Engineer,{'' if i == 0 else f'P{(i - 1) // 40}'}" for i in range(2000)
    ]  # a root, 40 reports each, three levels deep
    (tmp_path / "big.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert kam("import", tmp_path / "big.csv").exit_code == 0
    path = tmp_path / "big.html"
    assert kam("map", "Big", "--format", "html", "-o", path).exit_code == 0
    text = set(render(browser, path, "map-2000.png").split())
    assert {f"P{i}" for i in range(2000)} <= text
