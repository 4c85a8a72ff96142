"""The browser check: headless Chromium (Debian's `chromium`), driven over its DevTools pipe (`headless.py`),
uses the site as a reader would and screenshots what it saw under build/browser/. Run by `make browser-check`.

    python scripts/browser_check.py [--project DIR] [--corpus N]

On the project's build (the project found from the working directory, or --project): the letter's page
shows its title; the query page lists the example queries of the queries folder, runs a picked one, shows its
results as a table whose first result is a link that opens a page, offers CSV and JSON downloads of the same
query that come with their media type and parse, shows a syntax error with its line, keeps every state in
the URL (the back button goes back to the example) and works without JavaScript (a form that GETs /sparql);
hostile text in a result is shown as text. No request the pages send leaves the server.

Exit 0 when every check passes; 1, naming each check that failed, otherwise.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import logging
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from werkzeug.serving import make_server

from headless import Browser, BrowserError
from unkg.config import load_settings
from unkg.serve import App
from unkg.serve.examples import DEFAULT, examples

# a query whose error is on its third line, and one whose result is hostile text
BAD_QUERY = "SELECT ?letter WHERE {\n  ?letter ?p ?o .\n  FILTER(?o = ) }"
HOSTILE = '<img src=x onerror="document.title=1">&amp;</td>'


class Site:
    """The app of a built project, served on a free loopback port in this process."""

    def __init__(self, project: Path | None):
        self.settings = load_settings(project)
        self.app = App(self.settings)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.root = f"http://127.0.0.1:{self.server.server_port}"

    def get(self, path: str, **headers) -> tuple[int, str, bytes]:
        return self.request("GET", path, None, headers)

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            conn.close()

    def select(self, query: str) -> list[dict]:
        """The rows of a SELECT query, from /sparql (SPARQL JSON)."""
        status, _, body = self.request("POST", "/sparql", urlencode({"query": query}).encode(),
                                       {"Content-Type": "application/x-www-form-urlencoded",
                                        "Accept": "application/sparql-results+json"})
        if status != 200:
            raise RuntimeError(f"/sparql answered {status}: {body[:300]!r}")
        return json.loads(body)["results"]["bindings"]

    def close(self) -> None:
        self.server.shutdown()
        self.app.close()


class Check:
    """The failures found, each with the check that found it."""

    def __init__(self, out: Path):
        self.out = out
        self.failures: list[str] = []

    def expect(self, condition, failure: str) -> bool:
        if not condition:
            self.failures.append(failure)
            print(f"browser check: FAILED: {failure}", flush=True)
        return bool(condition)

    def screenshot(self, browser: Browser, name: str) -> None:
        path = self.out / name
        browser.screenshot(path)
        self.expect(path.is_file() and path.stat().st_size > 1000, f"no screenshot {name}")


def js(value) -> str:
    """A Python value written as a JavaScript literal."""
    return json.dumps(value)


# -- the letter's page ----------------------------------------------------------------------------------
def letter_page(b: Browser, site: Site, check: Check) -> None:
    letters = site.app.pages.letters("en")
    if not check.expect(letters, "no letter was built"):
        return
    b.open(site.root + letters[0]["href"])
    title = b.wait("(e => e && e.textContent.trim())(document.querySelector('h1.title'))")
    check.expect(title == letters[0]["title"], f"the letter's page does not show its title ({title!r})")
    check.screenshot(b, "letter.png")


# -- the query page -------------------------------------------------------------------------------------
def query_page(b: Browser, site: Site, check: Check) -> None:
    found = examples(site.settings.queries_dir)
    b.open(site.root + "/query")
    listed = b.evaluate("Array.from(document.querySelectorAll('.examples [data-example]'), e => e.dataset.example)")
    check.expect(listed == list(found), f"the query page lists the examples {listed}, not {list(found)}")
    name = DEFAULT if DEFAULT in found else next(iter(found))
    text = found[name]["text"]

    # pick the example: it is in the editor and in the URL
    b.evaluate(f"document.querySelector('.examples [data-example=' + CSS.escape({js(name)}) + '] a').click()")
    picked = b.wait(f"location.search === {js('?example=' + name)} && document.getElementById('query').value "
                    f"=== {js(text)}")
    check.expect(picked, f"picking the example {name} did not load it into the editor and the URL")

    # run it: a table of as many rows as /sparql gives, its first result a link to a page here
    b.evaluate("document.getElementById('run').click()")
    done = b.wait("document.getElementById('status').getAttribute('data-done')", 60)
    if not check.expect(done == "yes", f"the example {name} did not run: "
                                       f"{b.evaluate('document.body.innerText')[:500]!r}"):
        return
    rows = b.evaluate("document.querySelectorAll('#results tbody tr').length")
    expected = len(site.select(text))
    check.expect(rows == expected and rows > 0, f"the example {name} shows {rows} rows, /sparql gives {expected}")
    check.expect(b.evaluate("location.search") == f"?example={name}&run=1", "running did not put the run in the URL")
    check.screenshot(b, "query.png")
    downloads(b, site, check, rows)
    first = b.evaluate("(a => a && a.getAttribute('href'))"
                       "(document.querySelector('#results tbody tr:first-child td:first-child a.local'))")
    if check.expect(first, f"the first result of {name} is not a link to a page of this site"):
        b.evaluate("document.querySelector('#results tbody tr:first-child td:first-child a.local').click()")
        target = b.evaluate(f"new URL({js(first)}, location.href).href")
        opened = b.wait(f"location.href === {js(target)} && document.readyState === 'complete'", 30)
        heading = b.wait("(e => e && e.textContent.trim())(document.querySelector('h1'))", 10)
        check.expect(opened and b.documents.get(target) == 200 and heading,
                     f"the first result's link {first} did not open a page (status {b.documents.get(target)})")
        check.screenshot(b, "first-result.png")
        b.evaluate("history.back()")  # the back button: the query page, its example run again
        back = b.wait(f"location.search === {js('?example=' + name + '&run=1')} && "
                      "document.getElementById('status').getAttribute('data-done') === 'yes'", 30)
        check.expect(back, "the back button did not return to the query page with the example's results")
    syntax_error(b, site, check, name)
    hostile(b, site, check)
    without_javascript(b, site, check, name)


def downloads(b: Browser, site: Site, check: Check, rows: int) -> None:
    """The CSV and JSON downloads of the query shown: their media type, and as many rows as the table."""
    for fmt, media in (("csv", "text/csv"), ("json", "application/sparql-results+json")):
        href = b.evaluate(f"(a => a && a.getAttribute('href'))(document.querySelector('#downloads a[data-format={fmt}]'))")
        if not check.expect(href and href.startswith("/sparql?"), f"no {fmt} download link"):
            continue
        status, ctype, body = site.get(href)
        check.expect(status == 200 and ctype.split(";")[0].strip() == media,
                     f"the {fmt} download answered {status} {ctype!r}, not {media}")
        try:
            if fmt == "csv":
                got = len(list(csv.DictReader(io.StringIO(body.decode("utf-8")))))
            else:
                got = len(json.loads(body)["results"]["bindings"])
        except (ValueError, KeyError) as exc:
            check.expect(False, f"the {fmt} download does not parse: {exc}")
            continue
        check.expect(got == rows, f"the {fmt} download has {got} rows, the table {rows}")


def syntax_error(b: Browser, site: Site, check: Check, name: str) -> None:
    """A query with a mistake on its third line: the error names line 3 and shows it; back returns to the
    example."""
    b.evaluate(f"document.getElementById('query').value = {js(BAD_QUERY)}; document.getElementById('run').click()")
    done = b.wait("document.getElementById('status').getAttribute('data-done')", 30)
    line = b.evaluate("document.getElementById('error').getAttribute('data-line')")
    shown = b.evaluate("(m => m && m.textContent)(document.querySelector('#error .context mark'))")
    check.expect(done == "error" and line == "3" and shown == BAD_QUERY.split("\n")[2],
                 f"a syntax error on line 3 is shown as line {line!r} ({shown!r}; {done!r})")
    check.expect(b.evaluate("!document.getElementById('error').hidden"), "the syntax error is not shown")
    check.screenshot(b, "query-error.png")
    b.evaluate("history.back()")
    back = b.wait(f"location.search === {js('?example=' + name + '&run=1')} && "
                  "document.getElementById('status').getAttribute('data-done') === 'yes'", 30)
    check.expect(back, "the back button did not return from the error to the example")


def hostile(b: Browser, site: Site, check: Check) -> None:
    query = f"SELECT ?x WHERE {{ BIND({js(HOSTILE)} AS ?x) }}"
    b.open(f"{site.root}/query?{urlencode({'query': query, 'run': '1'})}")
    b.wait("document.getElementById('status').getAttribute('data-done')", 30)
    cell = b.evaluate("(c => c && c.textContent)(document.querySelector('#results tbody td .literal'))")
    check.expect(cell == HOSTILE and b.evaluate("document.querySelectorAll('#results img').length") == 0
                 and b.evaluate("document.title") != "1", f"hostile text in a result is not shown as text ({cell!r})")


def without_javascript(b: Browser, site: Site, check: Check, name: str) -> None:
    """Without JavaScript the page is a form that GETs /sparql."""
    b.send("Emulation.setScriptExecutionDisabled", {"value": True}, b.page)
    try:
        b.open(f"{site.root}/query?example={name}")
        b.evaluate("document.getElementById('query-form').submit()")
        answered = b.wait("location.pathname === '/sparql' && document.readyState === 'complete'", 30)
        status = b.documents.get(b.evaluate("location.href"))
        check.expect(answered and status == 200, f"without JavaScript the form did not GET /sparql ({status})")
    finally:
        b.send("Emulation.setScriptExecutionDisabled", {"value": False}, b.page)


def stayed_here(b: Browser, sites: list[Site], check: Check) -> None:
    roots = tuple(site.root + "/" for site in sites)
    elsewhere = sorted({u for u in b.requests if not u.startswith(roots) and urlsplit(u).scheme not in ("data", "about")})
    check.expect(not elsewhere, f"the pages sent requests elsewhere: {elsewhere[:5]}")
    check.expect(not b.errors, f"the pages threw JavaScript errors: {b.errors[:3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=None,
                        help="the built project to check (default: the one found from the working directory)")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # not a line per request; the app's errors still show
    site = Site(args.project)
    out = site.settings.build_dir / "browser"
    out.mkdir(parents=True, exist_ok=True)
    check = Check(out)
    try:
        b = Browser()
    except BrowserError as exc:
        site.close()
        print(f"browser check: {exc}")
        return 1
    try:
        for part in (letter_page, query_page):
            try:
                part(b, site, check)
            except (BrowserError, RuntimeError, OSError) as exc:
                check.expect(False, f"{part.__name__}: {exc}")
        stayed_here(b, [site], check)
    finally:
        b.close()
        site.close()
    if check.failures:
        print(f"browser check: {len(check.failures)} check(s) failed; screenshots in {out}")
        return 1
    print(f"browser check: passed; screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
