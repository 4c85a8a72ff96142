"""The browser check: headless Chromium (Debian's `chromium`) opens the letter's page and the query page,
runs one query there, and screenshots both under build/browser/. Run by `make browser-check`.

Exit 0 when the letter's page shows its title and the query page shows the query's result; 1 otherwise."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from urllib.parse import quote

from werkzeug.serving import make_server

from unkg.config import load_settings
from unkg.serve import App

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1200,1400", "--virtual-time-budget=15000"]
QUERY = ("SELECT ?date WHERE { ?letter <https://schema.org/dateSent> ?date }")


def chromium(*args: str) -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        sys.exit("browser check: chromium is not installed (Debian package chromium)")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                              timeout=120)
    return done.stdout


def main() -> int:
    settings = load_settings()
    app = App(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_port}"
    out = settings.build_dir / "browser"
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    try:
        letters = app.pages.letters("en")
        if not letters:
            return print("browser check: no letter was built") or 1
        letter = root + letters[0]["href"]
        dom = chromium("--dump-dom", letter)
        if letters[0]["title"] not in dom or 'class="title"' not in dom:
            failures.append("the letter's page does not show its title")
        chromium(f"--screenshot={out / 'letter.png'}", letter)
        query_page = f"{root}/query?run=1&query={quote(QUERY)}"
        dom = chromium("--dump-dom", query_page)
        if 'data-done="yes"' not in dom or "<td>" not in dom:
            failures.append("the query page did not show the query's result")
        chromium(f"--screenshot={out / 'query.png'}", query_page)
        for name in ("letter.png", "query.png"):
            if not (out / name).is_file() or (out / name).stat().st_size < 1000:
                failures.append(f"no screenshot {name}")
    finally:
        server.shutdown()
    for failure in failures:
        print(f"browser check: {failure}")
    if not failures:
        print(f"browser check: passed; screenshots in {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
