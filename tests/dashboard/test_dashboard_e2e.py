"""The dashboard end to end in headless Chromium: the study list, the trial table and the plots, updating while
trials finish. Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them; without them the
test is skipped, unless NASFORGE_REQUIRE_BROWSER is set, as in CI)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from nasforge import create_study
from nasforge.dashboard import serve
from nasforge.evaluators import NB201Evaluator
from nasforge.storages import get_storage
from nasforge.strategies import create_strategy
from nasforge.study import Budget

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
REQUIRED = bool(os.environ.get("NASFORGE_REQUIRE_BROWSER"))


@pytest.fixture()
def browser() -> Iterator[object]:
    if CHROMIUM is None or DRIVER is None:
        if REQUIRED:
            pytest.fail("NASFORGE_REQUIRE_BROWSER is set but chromium / chromedriver are not installed")
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-extensions", "--no-first-run",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def dashboard(tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = f"sqlite:///{tmp_path / 'dash.db'}"
    get_storage(url).close()  # the dashboard only reads: the storage must exist before it starts
    server = serve(url, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", url
    finally:
        server.shutdown()
        server.server_close()


def test_dashboard_shows_studies_and_updates_live(browser: object, dashboard: tuple[str, str], nb201_path: str,
                                                  tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page, url = dashboard
    evaluator = NB201Evaluator(nb201_path=nb201_path)
    study = create_study(evaluator=evaluator, strategy=create_strategy("evolution", seed=0), storage=url,
                         name="live <b>study</b>", budget=Budget(n_trials=40))
    study.optimize(Budget(n_trials=12))
    finished = create_study(evaluator=evaluator, strategy=create_strategy("random", seed=1), storage=url,
                            name="finished", objectives=["val_acc:max", "params_mb:min"], budget=Budget(n_trials=30))
    finished.optimize()

    driver = browser
    wait = WebDriverWait(driver, 30, poll_frequency=0.2)
    driver.get(page)  # type: ignore[attr-defined]
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#studies .study")) == 2)
    names = [e.get_attribute("data-name") for e in driver.find_elements(By.CSS_SELECTOR, "#studies .study")]  # type: ignore[attr-defined]
    assert sorted(names) == ["finished", "live <b>study</b>"]
    assert driver.find_elements(By.CSS_SELECTOR, "#studies b")[0].tag_name == "b"  # type: ignore[attr-defined]
    assert not driver.find_elements(By.CSS_SELECTOR, "#studies b b")  # the name's markup shown as text, not run

    driver.find_element(By.CSS_SELECTOR, "#studies .study[data-name='live <b>study</b>']").click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.ID, "trial-count").get_attribute("data-count") == "12")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#trials tbody tr")) == 12  # type: ignore[attr-defined]
    wait.until(lambda d: d.execute_script(
        "const i = document.getElementById('plot-best_so_far'); return i !== null && i.complete && i.naturalWidth > 0"))
    first_version = driver.find_element(By.ID, "plot-best_so_far").get_attribute("data-version")  # type: ignore[attr-defined]

    study.optimize(Budget(n_trials=20))  # 8 more trials finish while the page is open
    wait.until(lambda d: d.find_element(By.ID, "trial-count").get_attribute("data-count") == "20")
    wait.until(lambda d: d.find_element(By.ID, "plot-best_so_far").get_attribute("data-version") != first_version)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#trials tbody tr")) == 20  # type: ignore[attr-defined]
    kinds = {e.get_attribute("alt") for e in driver.find_elements(By.CSS_SELECTOR, "#plots img")}  # type: ignore[attr-defined]
    assert {"best_so_far", "all_trials", "importance", "architecture"} <= kinds

    driver.find_element(By.CSS_SELECTOR, "#studies .study[data-name='finished']").click()  # type: ignore[attr-defined]
    wait.until(lambda d: d.find_element(By.ID, "trial-count").get_attribute("data-count") == "30")
    wait.until(lambda d: d.execute_script(
        "const i = document.getElementById('plot-pareto_front'); return i !== null && i.naturalWidth > 0"))
    shot = Path(os.environ.get("NASFORGE_SCREENSHOT_DIR", tmp_path)) / "dashboard.png"
    assert driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    assert shot.stat().st_size > 10_000
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []
