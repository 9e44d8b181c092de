"""The app started as the README starts it listens on loopback only and connects nowhere.

The server runs ``streamlit run app.py`` (the README's command, from the project folder) in a
network namespace of its own where only loopback exists (``unshare --net``; as root, which CI
is), so port 8501 is free and nothing could leave even by mistake; where namespaces are not
allowed it runs on the machine's network on a free port (``STREAMLIT_SERVER_PORT``). In both
cases a Python audit hook, loaded by ``sitecustomize`` before Streamlit starts, records every
socket the server process binds, connects, sends to and every name it resolves (a program
it starts, such as ffmpeg, shares the namespace, so it has no route out either); a headless
Chromium opens the map and the Reports page; then the test reads the record, the server's
listening sockets and its log.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT
from tools.browser_timing import free_port, wait_until

pytestmark = pytest.mark.browser

HOOK = textwrap.dedent('''
    """Record the socket activity of this process (installed by the privacy test)."""
    import json, os, sys
    _out = open(os.environ["PRIVACY_AUDIT_LOG"], "a", buffering=1)
    _NAMES = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
              "socket.gethostbyaddr"}
    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.bind"):
            _out.write(json.dumps([event, repr(args[1])]) + "\\n")
        elif event in _NAMES:
            _out.write(json.dumps([event, repr(args[0])]) + "\\n")
    sys.addaudithook(_hook)
''')
LOCAL_NAMES = {"'localhost'", "'127.0.0.1'", "'::1'", "None", "''", "b'localhost'"}


def namespaces_allowed() -> bool:
    done = subprocess.run(["unshare", "--net", "true"], capture_output=True)
    return done.returncode == 0


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    netns: str | None  # /proc/PID/ns/net of the server's namespace, None on the host's

    def run_in_ns(self, *cmd: str) -> str:
        prefix = ["nsenter", f"--net={self.netns}"] if self.netns else []
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True,
                              check=True).stdout


@contextmanager
def readme_server(tmp: Path, log_path: Path, audit: Path) -> Iterator[Server]:
    hook_dir = tmp / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hook_dir), "PRIVACY_AUDIT_LOG": str(audit)}
    streamlit = str(Path(sys.executable).parent / "streamlit")
    if namespaces_allowed():
        port, cmd = 8501, ["unshare", "--net", "sh", "-c",
                           'ip link set lo up && exec "$0" run app.py', streamlit]
    else:
        port, cmd = free_port(), [streamlit, "run", "app.py"]
        env["STREAMLIT_SERVER_PORT"] = str(port)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(proc, f"http://127.0.0.1:{port}",
                    f"/proc/{proc.pid}/ns/net" if cmd[0] == "unshare" else None)
    try:
        assert wait_until(lambda: f":{port} " in server.run_in_ns("ss", "-Hltn") + " "
                          or proc.poll() is not None, 120), "the server did not start"
        assert proc.poll() is None, log_path.read_text(errors="replace")
        yield server
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def is_loopback(address: str) -> bool:
    """True for a recorded socket address on loopback, or a Unix socket path."""
    if address.startswith(("'", '"', "b'")):
        return True  # a path: a Unix socket
    host = address.strip("()").split(",")[0].strip().strip("'")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def test_the_readme_app_listens_on_loopback_and_connects_nowhere(
        browser: Browser, tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    log_path = ROOT / "out" / "e2e-privacy-server.log"
    log_path.parent.mkdir(exist_ok=True)
    with readme_server(tmp_path, log_path, audit) as server:
        if server.netns:  # Chromium joins the server's namespace (it has no other network)
            wrapper = tmp_path / "chromium"
            wrapper.write_text(f'#!/bin/sh\nexec nsenter --net={server.netns} {CHROMIUM} "$@"\n',
                               encoding="utf-8")
            wrapper.chmod(0o755)
            chromium = browser.browser_type.launch(executable_path=str(wrapper),
                                                   args=CHROMIUM_ARGS, headless=True)
        else:
            chromium = browser
        try:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(server.url)
            frame = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]',
                                           timeout=120_000).content_frame()
            assert frame is not None
            frame.wait_for_function("window.map && document.querySelector('canvas')",
                                    timeout=120_000)
            page.goto(f"{server.url}/reports")
            page.wait_for_selector("text=Proposed claims", timeout=120_000)
        finally:
            if chromium is not browser:
                chromium.close()
        listening = server.run_in_ns("ss", "-Hltnp")
    records = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    binds = [addr for event, addr in records if event == "socket.bind"]
    port = server.url.rsplit(":", 1)[1]
    assert f"('127.0.0.1', {port})" in binds, "the audit hook saw the server bind"
    assert all(is_loopback(a) for a in binds), binds
    outbound = [(e, a) for e, a in records
                if e in ("socket.connect", "socket.sendto") and not is_loopback(a)]
    assert outbound == []
    lookups = [a for e, a in records if e.startswith("socket.gethost")
               or e == "socket.getaddrinfo"]
    assert set(lookups) <= LOCAL_NAMES, lookups
    ours = [line for line in listening.splitlines() if f"pid={server.proc.pid}," in line]
    assert ours and all(f"127.0.0.1:{port} " in line for line in ours), listening
    log = log_path.read_text(errors="replace")
    assert f"URL: http://127.0.0.1:{port}" in log
    assert "External URL" not in log and "Network URL" not in log
    assert all(r.startswith(server.url) or r.startswith(("data:", "blob:", "about:"))
               for r in requests), [r for r in requests if not r.startswith(server.url)]
