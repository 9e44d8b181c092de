"""nginx in front of app servers, configured with the README's ``location`` block (Working as
a team): websockets passed through, the signed-in user put in a trusted header."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tools.browser_timing import free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def readme_location_block() -> str:
    """The ``location / { ... }`` block of the README's nginx example, verbatim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert block, "README.md has no ```nginx example"
    location = re.search(r"^( *)location / \{\n.*?^\1\}\n", block.group(1), re.S | re.M)
    assert location, "the README's nginx example has no 'location / { ... }' block"
    return location.group(0)


@contextmanager
def nginx(upstreams: Sequence[str], users: dict[str, str]) -> Iterator[str]:
    """Run nginx on a free local port in front of ``upstreams`` (``host:port``), asking for
    HTTP basic authentication of ``users`` (name -> password); yield its base URL."""
    if not Path(NGINX).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx; .ci/run does it)")
    folder = Path(tempfile.mkdtemp(prefix="geo-nginx-"))
    port = free_port()
    (folder / "htpasswd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in users.items()))
    servers = "".join(f"        server {u};\n" for u in upstreams)
    conf = f"""
{'user root;' if os.geteuid() == 0 else ''}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream conflict_map {{
        ip_hash;
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        auth_basic "Conflict map";
        auth_basic_user_file {folder}/htpasswd;
{readme_location_block()}    }}
}}
"""
    (folder / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode()}"
                                   if proc.stderr else "nginx did not start")
            try:
                urllib.request.urlopen(url, timeout=1)
            except urllib.error.HTTPError:  # 401: it answers
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
