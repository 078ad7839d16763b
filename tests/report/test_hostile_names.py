"""A report of a study whose names were chosen by an attacker: the study name, the objective, metric and decision
(column) names and the architecture values are shown as text, never as HTML, in the file and in headless Chromium
(Debian's ``chromium`` and ``chromium-driver``; skipped without them unless NASFORGE_REQUIRE_BROWSER is set)."""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge import create_study
from nasforge.evaluators import TableEvaluator
from nasforge.report import write_report
from nasforge.strategies import create_strategy
from nasforge.study import Budget

STUDY = "</title><script>alert(1)</script><b id=injected-study>x</b>"
OBJECTIVE = "<img src=x onerror=alert(5) id=injected-objective>"
DECISION = "<script>alert(6)</script>"
METRIC = "</table><iframe id=injected-metric src=x></iframe>"
MATH = "$\\frac{$"  # mathtext that matplotlib cannot parse
VALUES = ["<b id=injected-value>bold</b>", "<img src=y onerror=alert(7) id=injected-img>", "a'b\"c&amp;", "x[/]",
          MATH]
HOSTILE = [STUDY, OBJECTIVE, DECISION, METRIC, *VALUES]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    rows = [",".join(_csv_field(c) for c in (DECISION, "depth", OBJECTIVE, METRIC, MATH))]
    for i, value in enumerate(VALUES):
        for depth in (1, 2):
            rows.append(",".join([_csv_field(value), str(depth), f"{i + depth / 2}", f"{i}", f"{depth}"]))
    table = folder / "hostile.csv"
    table.write_text("\n".join(rows) + "\n")
    evaluator = TableEvaluator(table=str(table), arch_columns=[DECISION, "depth"], objective=f"{OBJECTIVE}:max")
    study = create_study(evaluator=evaluator, strategy=create_strategy("random", seed=0), name=STUDY,
                         objectives=[f"{OBJECTIVE}:max", f"{MATH}:min"], budget=Budget(n_trials=len(VALUES) * 2))
    study.optimize()
    return write_report(study, folder / "report.html", plots_dir=folder / "plots")


def test_every_inserted_name_is_escaped(report: Path) -> None:
    page = report.read_text()
    for name in HOSTILE:
        if "<" in name:
            assert name not in page, name
    assert f"<title>nasforge: {html.escape(STUDY)}</title>" in page
    assert f"<h1>Study {html.escape(STUDY)}</h1>" in page
    assert f"trials by {html.escape(OBJECTIVE)}:max</h2>" in page
    for name in (DECISION, METRIC, MATH, *VALUES):
        assert html.escape(name) in page, name
    assert "<script" not in page.lower() and "<iframe" not in page.lower() and "onerror" not in page.replace(
        "onerror=alert", "")  # every onerror left is inside escaped text
    for svg in (report.parent / "plots").glob("*.svg"):  # matplotlib escapes text in its SVG comments
        text = svg.read_text()
        assert "<script" not in text and "<img" not in text and "<iframe" not in text, svg.name


@pytest.fixture()
def browser() -> Iterator[object]:
    if CHROMIUM is None or DRIVER is None:
        if os.environ.get("NASFORGE_REQUIRE_BROWSER"):
            pytest.fail("NASFORGE_REQUIRE_BROWSER is set but chromium / chromedriver are not installed")
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-extensions", "--no-first-run"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_no_injected_element_or_script_runs_in_chromium(report: Path, browser: object) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver: object = browser
    driver.get(report.as_uri())  # type: ignore[attr-defined]
    with pytest.raises(TimeoutException):  # an onerror handler or a script would open an alert
        WebDriverWait(driver, 3).until(expected_conditions.alert_is_present())

    def find(selector: str) -> list[object]:
        return driver.find_elements(By.CSS_SELECTOR, selector)  # type: ignore[attr-defined, no-any-return]

    assert find("script") == [] and find("iframe") == [] and find("[onerror]") == []
    assert find("[id^=injected]") == [] and find("b") == []
    images = find("img")
    assert images and all(i.get_attribute("src").startswith("data:image/png;base64,")  # type: ignore[attr-defined]
                          for i in images)
    assert driver.title == f"nasforge: {STUDY}"  # type: ignore[attr-defined]
    assert find("h1")[0].text == f"Study {STUDY}"  # type: ignore[attr-defined]
    body = find("body")[0].text  # type: ignore[attr-defined]
    for name in (OBJECTIVE, DECISION, METRIC, MATH, *VALUES):
        assert name in body, name
