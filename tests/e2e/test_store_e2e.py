"""Two app servers on one PostgreSQL store: 50 accepts each at once, every row kept once, who
accepted what recorded; a server killed in the middle of an accept leaves no partial row."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from geo.dataset import load_dataset
from geo.store.database import DatabaseStore
from geo.store.transfer import import_dir
from tests.e2e.conftest import ROOT
from tests.e2e.proxy import nginx
from tests.pgcluster import PgCluster
from tools.browser_timing import start_app

pytestmark = pytest.mark.browser
PER_SERVER = 50
HEADER = "X-Remote-User"


def claim_reports(n: int) -> list[str]:
    """Two reports of ``n`` capture sentences each, on (place, date) pairs the shipped
    dataset does not have yet, every pair once."""
    ds = load_dataset(ROOT / "data")
    taken = {(c.locality, c.date) for c in ds.control}
    places = [loc for loc in ds.localities if loc.territory]
    pairs = [(loc, ds.meta.start + dt.timedelta(days=d)) for d in range(2, 50)
             for loc in places if (loc.id, ds.meta.start + dt.timedelta(days=d)) not in taken]
    texts = []
    for part in (pairs[:n], pairs[n:2 * n]):
        lines = [f"Syrian government forces captured {loc.name} on {day.day} "
                 f"{day.strftime('%B')} 2018." for loc, day in part]
        texts.append("date 2018-04-12\n\n" + "\n\n".join(lines) + "\n")
    return texts


@contextmanager
def app_server(url: str, seeds: Path, log: Path, *extra: str) -> Iterator[tuple[object, str]]:
    """``streamlit run app.py -- --store URL --seeds SEEDS ...``: (process, base URL)."""
    with log.open("ab") as out:
        proc, base = start_app(out, data=url, seeds=seeds, timeout_s=90, app_args=extra)
        try:
            yield proc, base
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)


def reports_page(browser: Browser, base: str, user: tuple[str, str] | None = None) -> Page:
    """The Reports page in a new browser context (signed in to the proxy as ``user``)."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        http_credentials={"username": user[0], "password": user[1]} if user else None)
    page = context.new_page()
    page.goto(f"{base}/reports")
    page.wait_for_selector("text=Proposed claims", timeout=90_000)
    return page


#: True once the page shows exactly ``n`` Accept buttons.
COUNT_ACCEPT = ("(n) => [...document.querySelectorAll('button')].filter("
                "b => b.innerText.trim() === 'Accept').length === n")


def accept_buttons(page: Page):
    return page.get_by_role("button", name="Accept", exact=True)


@pytest.fixture
def shared_store(pg_cluster: PgCluster, tmp_path: Path) -> tuple[str, DatabaseStore]:
    url = pg_cluster.url(pg_cluster.new_database("geo_store"))
    store = DatabaseStore(url)
    import_dir(ROOT / "data", store, who="ci")
    return url, store


def test_two_servers_accept_50_claims_each_at_once(
        browser: Browser, shared_store: tuple[str, DatabaseStore], tmp_path: Path) -> None:
    url, store = shared_store
    (ROOT / "out").mkdir(exist_ok=True)
    seeds = []
    for name, text in zip("ab", claim_reports(PER_SERVER), strict=True):
        folder = tmp_path / f"seeds-{name}"
        folder.mkdir()
        (folder / f"captures-{name}.txt").write_text(text, encoding="utf-8")
        seeds.append(folder)
    log = ROOT / "out" / "e2e-store-servers.log"
    with ExitStack() as stack:
        _, base_a = stack.enter_context(app_server(url, seeds[0], log))
        _, base_b = stack.enter_context(app_server(url, seeds[1], log,
                                                   "--identity-header", HEADER))
        # server B behind nginx configured as the README says: basic auth -> X-Remote-User
        proxy = stack.enter_context(nginx([base_b.removeprefix("http://")],
                                          {"b.analyst": "secret"}))
        page_a = reports_page(browser, base_a)
        page_b = reports_page(browser, proxy, ("b.analyst", "secret"))
        # a shared store wants a name before anything is accepted
        assert accept_buttons(page_a).first.is_disabled()
        page_a.get_by_label("Your name (recorded with each accept)").fill("Analyst A")
        page_a.keyboard.press("Enter")
        page_a.wait_for_function("() => [...document.querySelectorAll('button')].some("
                                 "b => b.innerText.trim() === 'Accept' && !b.disabled)",
                                 timeout=30_000)
        assert "Accepting as b.analyst" in page_b.locator('[data-testid="stMain"]'
                                                                ).inner_text()
        for left in range(PER_SERVER, -1, -1):
            for page in (page_a, page_b):  # every claim of the report is proposed
                page.wait_for_function(COUNT_ACCEPT, arg=left, timeout=30_000)
            if left:
                for page in (page_a, page_b):  # both servers write at the same time
                    accept_buttons(page).first.click()
        for page in (page_a, page_b):
            text = page.locator('[data-testid="stMain"]').inner_text()
            assert text.count("Accepted: written into the dataset.") == PER_SERVER
            assert "Not written" not in text
    dataset, problems = store.validate()
    assert problems == [] and dataset is not None
    claimed = [(c.locality, c.date) for c in dataset.control if c.kind == "claim"]
    assert len(claimed) == len(set(claimed)) == 2 * PER_SERVER
    accepts = [c for c in store.log() if c["action"] == "accept"]
    assert len(accepts) == 2 * PER_SERVER
    assert sorted({c["who"] for c in accepts}) == ["Analyst A", "b.analyst"]
    exported = store.files()["accepted.csv"].decode().splitlines()
    assert len(exported) == 1 + 2 * PER_SERVER


def test_a_server_killed_in_the_middle_of_an_accept_leaves_no_partial_row(
        browser: Browser, shared_store: tuple[str, DatabaseStore], pg_cluster: PgCluster,
        tmp_path: Path) -> None:
    url, store = shared_store
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "douma.txt").write_text(
        "date 2018-03-05\nSyrian troops captured Douma and Harasta after weeks of fighting.\n",
        encoding="utf-8")
    before = store.revision()
    tagged = url + "&application_name=doomed-server"
    (ROOT / "out").mkdir(exist_ok=True)
    log = ROOT / "out" / "e2e-store-kill.log"
    with app_server(tagged, seeds, log) as (proc, base), pg_cluster.connect(url) as blocker:
        page = reports_page(browser, base)
        page.get_by_label("Your name (recorded with each accept)").fill("Analyst K")
        page.keyboard.press("Enter")
        page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                               "b => b.innerText.trim() === 'Accept' && !b.disabled)",
                               timeout=30_000)
        blocker.execute("LOCK TABLE accepted_claims IN ACCESS EXCLUSIVE MODE")
        accept_buttons(page).first.click()
        # the server's transaction holds its new control rows and waits for the log
        assert pg_cluster.wait_blocked_writing(url, "doomed-server", "control"), \
            "the accept never reached the middle of its transaction"
        proc.send_signal(signal.SIGKILL)  # type: ignore[attr-defined]
        proc.wait(timeout=10)  # type: ignore[attr-defined]
        blocker.rollback()
        page.context.close()
    pg_cluster.wait_disconnected(url, "doomed-server")
    assert store.revision() == before
    dataset, problems = store.validate()
    assert problems == [] and dataset is not None
    assert not [c for c in dataset.control if c.kind == "claim"]
    assert [c["action"] for c in store.log()] == ["import"]
