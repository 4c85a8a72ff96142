"""A small client of headless Chromium's DevTools protocol, over a pipe (``--remote-debugging-pipe``: the
browser reads commands on its fd 3 and writes answers and events on its fd 4, each a JSON text ended by a
NUL byte). No port is opened and nothing but the standard library is needed. The browser check
(`browser_check.py`) drives pages with it: open a URL, run JavaScript in the page, wait for a condition,
screenshot; every request the page sends is recorded (``requests``) so the check can tell none left the
server."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--window-size=1200,1400"]


class BrowserError(Exception):
    """The browser could not be started, did not answer in time, or refused a command."""


class Browser:
    """One headless Chromium with one page (``page`` is its session)."""

    def __init__(self, timeout: float = 60.0):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if exe is None:
            raise BrowserError("chromium is not installed (Debian package chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="unkg-browser-")
        commands_r, self._commands = os.pipe()
        self._answers, answers_w = os.pipe()
        # the child's ends, numbered above 4 so that putting them at 3 and 4 clobbers neither
        ends = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_r, answers_w)]
        os.close(commands_r)
        os.close(answers_w)

        def fds():  # in the child: its fd 3 reads our commands, its fd 4 writes its answers (kept on exec)
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        try:
            self.process = subprocess.Popen(
                [exe, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "about:blank"],
                pass_fds=(3, 4), preexec_fn=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
        finally:
            for fd in ends:
                os.close(fd)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []
        self.requests: list[str] = []  # every URL the page asked for
        self.documents: dict[str, int] = {}  # the status of each document (page) the page loaded, by URL
        self.errors: list[str] = []  # the JavaScript errors the pages threw
        try:
            target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            self.page = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Network"):
                self.send(f"{domain}.enable", session=self.page)
        except BrowserError:
            self.close()  # the process, the pipes and the profile folder
            raise

    # -- the protocol ---------------------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next += 1
        number = self._next
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode("utf-8") + b"\0")
        end = time.monotonic() + self.timeout
        while True:
            answer = self._receive(end)
            if answer.get("id") == number:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self._event(answer)

    def _receive(self, end: float) -> dict:
        while b"\0" not in self._buffer:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self._answers], [], [], left)[0]:
                raise BrowserError("the browser did not answer in time")
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise BrowserError("the browser closed its pipe (it ended)")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def _event(self, event: dict) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", "?"))
        elif method == "Network.responseReceived" and params.get("type") == "Document":
            self.documents[params["response"]["url"]] = params["response"]["status"]
        self.events.append(event)

    def _pump(self) -> None:
        """Read the events the browser has sent so far, without waiting."""
        while b"\0" in self._buffer or select.select([self._answers], [], [], 0)[0]:
            self._event(self._receive(time.monotonic() + self.timeout))

    # -- the page -------------------------------------------------------------------------------------
    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, self.page)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error: {text}")
        return result["result"].get("value")

    def wait(self, expression: str, limit: float = 20.0):
        """The value of `expression` once it is truthy, polled; None when it is not within `limit` seconds."""
        end = time.monotonic() + limit
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None  # the page is between two documents
            if value:
                return value
            if time.monotonic() > end:
                return None
            time.sleep(0.1)
            self._pump()

    def open(self, url: str, limit: float = 30.0) -> bool:
        """Go to `url` and wait until its document has loaded (its load event); whether it did."""
        since = len(self.events)
        answer = self.send("Page.navigate", {"url": url}, self.page)
        if answer.get("errorText"):
            raise BrowserError(f"{url}: {answer['errorText']}")
        end = time.monotonic() + limit
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events[since:]):
            try:
                self._event(self._receive(end))
            except BrowserError:
                return False
        return True

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False}, self.page)
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._answers):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)
