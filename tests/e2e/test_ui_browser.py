"""The real Airflow UI in a headless Chromium: log in, see the DAGs, trigger the ingest, read its ledger.

`airflow standalone` (SQLite metadata, LocalExecutor) serves the project's DAGs and plugin on a
free port; Selenium drives Debian's Chromium as a person would. Screenshots of each step go to
the test's tmp folder and, when TRADEWIRE_UI_SCREENSHOTS is set, to that folder too. Skips
when Chromium or chromedriver is missing.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tradewire.settings import POOLS_FILE

pytestmark = pytest.mark.e2e

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
INSTALL_HINT = "apt-get install -y chromium chromium-driver"
SAMPLE_ITEMS_DISCOVERED = "39"
SAMPLE_ARTICLES_LOADED = "34"
UI_WAIT = 60  # seconds for any one element of the React app to appear
START_TIMEOUT = 180
RUN_TIMEOUT = 360


def _dag_ids() -> list[str]:
    """Every dag_id the dags/ folder declares, so a new DAG file is checked without editing this test."""
    ids = {m for path in (REPO / "dags").glob("*.py") for m in re.findall(r'dag_id="([^"]+)"', path.read_text())}
    return sorted(ids)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _browser_binaries() -> tuple[str, str]:
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p)
        pytest.skip(f"the browser test needs {missing}: `{INSTALL_HINT}` (Debian)")
    return chromium, driver


@dataclass
class Stack:
    """A running `airflow standalone` and what the test needs to talk to it."""

    url: str
    home: Path
    data: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None
    token: str = ""
    password: str = ""

    def tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no standalone log)"

    def api(self, path: str, method: str = "GET", body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)  # noqa: S310  # http://127.0.0.1
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        # on 2 busy cores the api-server can stall for seconds while a run starts: reads are retried
        tries = 3 if method == "GET" else 1
        for attempt in range(1, tries + 1):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    return json.loads(response.read())
            except (TimeoutError, urllib.error.URLError) as exc:
                timed_out = isinstance(getattr(exc, "reason", exc), TimeoutError)
                if attempt == tries or not timed_out:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Shots:
    """Screenshots saved under the test's folder, and copied to TRADEWIRE_UI_SCREENSHOTS when it is set."""

    folder: Path
    extra: Path | None
    taken: list[Path] = field(default_factory=list)

    def save(self, driver: Any, name: str) -> Path:
        path = self.folder / f"{len(self.taken) + 1:02d}-{name}.png"
        assert driver.save_screenshot(str(path)), f"screenshot {path} not written"
        self.taken.append(path)
        print(f"screenshot: {path}")
        if self.extra is not None:
            copy = self.extra / path.name
            shutil.copyfile(path, copy)
            print(f"screenshot: {copy}")
        return path


def _stack_env(home: Path, data: Path, port: int) -> dict[str, str]:
    # a developer's own Airflow or Tradewire settings (their metadata DB, their sources) must not leak in
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "TRADEWIRE_"))}
    url = f"http://127.0.0.1:{port}"
    return {
        **base,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # the test unpauses the ingest through the UI
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "TRADEWIRE_HOME": str(data),
        "TRADEWIRE_INGEST_SCHEDULE": "none",  # else unpausing starts a scheduled run beside the UI's
        "GX_ANALYTICS_ENABLED": "False",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        # standalone starts its components as `airflow ...` subprocesses
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _airflow(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, f"airflow {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


def _poll(what: str, check: Callable[[], Any], timeout: float, stack: Stack, every: float = 2.0) -> Any:
    """check() until it returns something truthy; errors count as not yet (the server may still be starting)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except (OSError, urllib.error.URLError, ValueError, KeyError) as exc:
            result, last = None, exc
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last!r})\n{stack.tail()}")


def _processes_of(home: Path) -> list[int]:
    """Processes whose environment names this test's AIRFLOW_HOME: ours, whatever their process group."""
    marker = f"AIRFLOW_HOME={home}\0".encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker in (proc / "environ").read_bytes():
                pids.append(int(proc.name))
        except OSError:  # gone, or not ours to read
            continue
    return pids


def _stop(stack: Stack) -> None:
    if stack.process is None:
        return
    try:
        os.killpg(stack.process.pid, signal.SIGTERM)
        stack.process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(stack.process.pid, signal.SIGKILL)
        stack.process.wait(timeout=10)
    # task processes may have left the group: end any that still carry this test's AIRFLOW_HOME
    for pid in _processes_of(stack.home):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    port = _free_port()
    home = tmp_path / "airflow"
    env = _stack_env(home, tmp_path / "data", port)
    running = Stack(url=f"http://127.0.0.1:{port}", home=home, data=tmp_path / "data", log=tmp_path / "standalone.log")
    _airflow(env, "db", "migrate")
    _airflow(env, "pools", "import", str(POOLS_FILE))
    with running.log.open("wb") as log:
        running.process = subprocess.Popen(
            [AIRFLOW, "standalone"], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _poll("the API server's /api/v2/version", lambda: running.api("/api/v2/version"), START_TIMEOUT, running)
        passwords = home / "simple_auth_manager_passwords.json.generated"
        running.password = _poll("the admin password", lambda: json.loads(passwords.read_text())["admin"], 60, running)
        token = running.api("/auth/token", "POST", {"username": "admin", "password": running.password})
        running.token = token["access_token"]
        yield running
    finally:
        _stop(running)


@pytest.fixture
def driver() -> Iterator[Any]:
    chromium, chromedriver = _browser_binaries()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in CI
        "--disable-dev-shm-usage",
        "--window-size=1920,1300",  # tall enough for the whole trigger form
        "--disable-gpu",
        "--no-first-run",
        # no calls home: this machine's closed network refuses them, noisily
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # loopback only: pages such as the Data Docs link CDN assets, which must not be fetched
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(options=options, service=Service(chromedriver))  # no Selenium Manager download
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def test_ui_login_trigger_and_tradewire_view(driver: Any, stack: Stack, tmp_path: Path) -> None:
    started = time.monotonic()
    extra = os.environ.get("TRADEWIRE_UI_SCREENSHOTS")
    shots = Shots(folder=tmp_path / "screenshots", extra=Path(extra) if extra else None)
    shots.folder.mkdir()
    if shots.extra is not None:
        shots.extra.mkdir(parents=True, exist_ok=True)
    try:
        _walk_through(stack, driver, shots)
    except (Exception, pytest.fail.Exception) as exc:  # pytest.fail's exception is no Exception
        page, where = shots.folder / "failure.html", "?"
        try:
            where = driver.current_url
            shots.save(driver, "failure")
            page.write_text(driver.page_source)
            print(f"page source at failure: {page}")
        except Exception as saving:  # the browser itself may be what failed
            print(f"could not save the failure screenshot: {saving!r}")
        # WebDriver errors end in a native stack trace of chromedriver: keep their message only
        message = str(getattr(exc, "msg", None) or exc)
        failed = isinstance(exc, pytest.fail.Exception)  # the test's own failures carry the log tail already
        kind = "" if failed or isinstance(exc, AssertionError) else f"{type(exc).__name__}: "
        log = "" if failed else f"\n--- airflow standalone log (tail) ---\n{stack.tail()}"
        raise AssertionError(f"{kind}{message}\nat {where}; screenshot and page source in {shots.folder}{log}") from exc
    finally:
        print(f"UI test took {time.monotonic() - started:.0f}s after Airflow answered")


def _walk_through(stack: Stack, driver: Any, shots: Shots) -> None:
    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    # React re-renders elements under the test's hands: a stale or covered element is looked up again
    retried = (StaleElementReferenceException, ElementClickInterceptedException)
    wait = WebDriverWait(driver, UI_WAIT, poll_frequency=0.25, ignored_exceptions=retried)

    def visible(xpath: str, what: str) -> Any:
        return wait.until(ec.visibility_of_element_located((By.XPATH, xpath)), f"{what} never appeared ({xpath})")

    def click(xpath: str, what: str, shows: str | None = None) -> None:
        """Click xpath; with shows, until that appears (a click on an element being re-rendered can be lost)."""
        last = [0.0]

        def clicked(d: Any) -> bool:
            if shows is not None and any(e.is_displayed() for e in d.find_elements(By.XPATH, shows)):
                return True
            if time.monotonic() - last[0] < 3:  # give the last click time to act: a second one could undo it
                return False
            element = d.find_element(By.XPATH, xpath)
            if not (element.is_displayed() and element.is_enabled()):
                return False
            element.click()
            last[0] = time.monotonic()
            return shows is None

        wait.until(clicked, f"{what} could not be clicked ({xpath})" + (f" to show {shows}" if shows else ""))

    def body_text() -> str:
        return str(driver.find_element(By.TAG_NAME, "body").text)

    dag_ids = _dag_ids()
    assert {"tradewire_ingest", "tradewire_reprocess", "tradewire_analytics"} <= set(dag_ids)
    # the dag-processor parses the files after the API server is up: wait for every DAG before looking
    _poll(
        f"the DAGs {dag_ids} to be parsed",
        lambda: set(dag_ids) <= {d["dag_id"] for d in stack.api("/api/v2/dags?limit=100")["dags"]},
        START_TIMEOUT,
        stack,
    )
    errors = stack.api("/api/v2/importErrors")
    assert errors["total_entries"] == 0, f"DAG import errors: {errors['import_errors']}"
    plugin_errors = stack.api("/api/v2/plugins/importErrors")
    assert plugin_errors["total_entries"] == 0, f"plugin import errors: {plugin_errors['import_errors']}"

    # 1. the real login page
    driver.get(f"{stack.url}/")
    wait.until(ec.url_contains("/auth/login"), "the UI did not send an anonymous visitor to the login page")
    visible("//*[normalize-space()='Sign into Airflow']", "the login page's title")
    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(stack.password)
    shots.save(driver, "login-page")
    click("//button[normalize-space()='Sign in']", "the Sign in button")
    wait.until(lambda d: "/auth/login" not in d.current_url, "still on the login page after signing in")
    visible("//*[normalize-space()='Dag Processor']", "the home page's health badges")
    assert "Import Error" not in body_text()

    # 2. every DAG of the dags/ folder in the list, no import errors shown
    driver.get(f"{stack.url}/dags")
    for dag_id in dag_ids:
        visible(f"//a[normalize-space()='{dag_id}']", f"the DAG {dag_id} in the list")
    visible(f"//*[normalize-space()='{len(dag_ids)} Dags']", f"the count '{len(dag_ids)} Dags'")
    assert "Import Error" not in body_text()
    shots.save(driver, "dag-list")

    # 3. trigger the ingest from its page, unpausing it on the way
    click("//a[normalize-space()='tradewire_ingest']", "the tradewire_ingest link")
    wait.until(ec.url_contains("/dags/tradewire_ingest"), "the DAG page did not open")
    form = "//*[@role='dialog'][.//*[normalize-space()='Trigger Dag - tradewire_ingest']]"
    click("//button[@aria-label='Trigger Dag']", "the Trigger button", shows=form)
    unpause = f"{form}//label[contains(normalize-space(), 'on trigger')]"
    label = visible(unpause, "the form's unpause option").text
    assert "Unpause tradewire_ingest" in label, f"unexpected option in the trigger form: {label!r}"
    if not driver.find_element(By.XPATH, f"{unpause}//input[@type='checkbox']").is_selected():
        click(unpause, "the unpause option")
    wait.until(
        lambda d: d.find_element(By.XPATH, f"{unpause}//input[@type='checkbox']").is_selected(),
        "the unpause option stayed unticked",
    )
    shots.save(driver, "trigger-form")
    click(f"{form}//button[normalize-space()='Trigger']", "the form's Trigger button")
    # the UI opens the new run's page: its URL names the run
    wait.until(ec.url_contains("/dags/tradewire_ingest/runs/"), "the UI did not open the triggered run")
    run_id = urllib.parse.unquote(driver.current_url.split("/runs/", 1)[1].split("?")[0].strip("/"))
    quoted = urllib.parse.quote(run_id, safe="")
    run = stack.api(f"/api/v2/dags/tradewire_ingest/dagRuns/{quoted}")
    assert (run["run_type"], run["triggered_by"], run["triggering_user_name"]) == ("manual", "ui", "admin"), run
    assert stack.api("/api/v2/dags/tradewire_ingest")["is_paused"] is False

    def finished() -> str | None:
        state = stack.api(f"/api/v2/dags/tradewire_ingest/dagRuns/{quoted}")["state"]
        return state if state in ("success", "failed") else None

    state = _poll(f"run {run_id} to finish", finished, RUN_TIMEOUT, stack, every=3)
    if state != "success":
        tasks = stack.api(f"/api/v2/dags/tradewire_ingest/dagRuns/{quoted}/taskInstances?limit=100")
        states = {(t["task_id"], t["map_index"]): t["state"] for t in tasks["task_instances"]}
        pytest.fail(f"run {run_id} ended {state}; tasks: {states}\n{stack.tail()}")

    # the run's page, grid then graph, shows it succeeded
    driver.get(f"{stack.url}/dags/tradewire_ingest/runs/{quoted}")
    visible(f"//*[normalize-space()='{run_id}']", "the run id on its page")
    visible("//*[normalize-space()='Success']", "the run's Success badge")
    visible("//*[normalize-space()='publish_snapshot']", "the last task in the grid")
    shots.save(driver, "run-succeeded-grid")
    click("//button[starts-with(@aria-label, 'Show Graph')]", "the graph view button")
    visible("//*[@data-testid='rf__wrapper']//*[normalize-space()='publish_snapshot']", "the graph's last task")
    shots.save(driver, "run-succeeded-graph")

    # 4. the Tradewire view from the Browse menu (an iframe of /tradewire/), then the page itself
    entry = "//*[@role='menuitem'][normalize-space()='Tradewire']"
    click("//button[@aria-label='Browse']", "the Browse menu", shows=entry)
    click(entry, "the Tradewire entry under Browse")
    frame = visible("//iframe[@title='Tradewire']", "the embedded Tradewire page")
    assert frame.get_attribute("src").rstrip("/").endswith("/tradewire")
    driver.switch_to.frame(frame)
    try:
        ledger = _ledger_row(wait, run_id)
    finally:
        driver.switch_to.default_content()
    _check_ledger(ledger, run_id)
    shots.save(driver, "tradewire-view-in-airflow")

    driver.get(f"{stack.url}/tradewire/")
    _check_ledger(_ledger_row(wait, run_id), run_id)
    shots.save(driver, "tradewire-page")

    # 5. the Great Expectations Data Docs the run's validations built
    driver.get(f"{stack.url}/tradewire/data-docs/")
    wait.until(ec.title_contains("Data Docs"), "the Data Docs index did not load")
    assert "Validation Results" in body_text()
    shots.save(driver, "data-docs")
    # the index lists validations with scripts from a CDN, which an offline browser lacks: open one page directly
    docs = stack.data / "data_docs"
    pages = sorted(docs.glob(f"validations/run_ledger/{glob.escape(run_id)}/*/*.html"))
    assert pages, f"no Data Docs page for the run ledger's validation of {run_id} under {docs}"
    driver.get(f"{stack.url}/tradewire/data-docs/{urllib.parse.quote(pages[-1].relative_to(docs).as_posix())}")
    visible(f"//*[contains(normalize-space(), '{run_id}')]", "the run id on its Data Docs validation page")
    shots.save(driver, "data-docs-validation")

    print(f"triggered from the UI: {run_id}; ledger: {ledger}")
    print("screenshots:", *map(str, shots.taken), sep="\n  ")


def _ledger_row(wait: Any, run_id: str) -> dict[str, str]:
    """The 'Latest runs' table row of run_id on the Tradewire page, as {column header: cell text}."""
    from selenium.webdriver.common.by import By

    table = wait.until(
        lambda d: d.find_element(By.XPATH, "//h2[normalize-space()='Latest runs']/following-sibling::table[1]"),
        "the Tradewire page's Latest runs table never appeared",
    )
    headers = [th.text.replace("\n", " ").strip() for th in table.find_elements(By.XPATH, ".//tr[1]/th")]
    for row in table.find_elements(By.XPATH, ".//tr[td]"):
        cells = [td.text.replace("\n", "").strip() for td in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == run_id:
            return dict(zip(headers, cells, strict=True))
    rows = [r.text for r in table.find_elements(By.XPATH, ".//tr[td]")]
    raise AssertionError(f"run {run_id} not in the Tradewire ledger; rows: {rows}")


def _check_ledger(ledger: dict[str, str], run_id: str) -> None:
    assert ledger["dag id"] == "tradewire_ingest", ledger
    assert ledger["status"] == "loaded", ledger
    assert ledger["items discovered"] == SAMPLE_ITEMS_DISCOVERED, ledger
    assert ledger["articles loaded"] == SAMPLE_ARTICLES_LOADED, ledger
    assert ledger["balanced"] == "yes", f"run {run_id}'s ledger does not balance: {ledger}"
