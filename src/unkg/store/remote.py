"""HTTP to a store server for ``unkg push``: one connection pool (connections kept open between requests),
retries with exponential back-off on connection errors and on 500, 502, 503 and 504 (``Retry-After``
honoured), a bounded number of tries, then one clear error naming the URL, the HTTP status and the server's
message. Every request ``unkg push`` sends is safe to repeat: loading quads adds what the server may
already hold (a set), dropping a graph that is gone changes nothing, a ``PUT`` replaces a graph whole.

Credentials, where the server needs them, come from the environment variables ``UNKG_PUSH_USER`` and
``UNKG_PUSH_PASSWORD`` (HTTP Basic), never from the command line."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph as ox
import urllib3
from urllib3.exceptions import HTTPError as TransportError
from urllib3.exceptions import MaxRetryError

from ..errors import InputError

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class Remote:
    """A store server reached at `url` (its Graph Store Protocol endpoint, e.g. Oxigraph's ``/store``)."""

    def __init__(self, url: str, env: dict[str, str], retries: int = 4, timeout: float = 600.0,
                 backoff: float = 0.5):
        if not url.startswith(("http://", "https://")) or not urlsplit(url).netloc:
            raise InputError(url, "the store server's URL must be an http(s) URL")
        self.url = url
        headers = {"User-Agent": "unkg-push"}
        if env.get("UNKG_PUSH_USER"):
            headers.update(urllib3.make_headers(
                basic_auth=f"{env['UNKG_PUSH_USER']}:{env.get('UNKG_PUSH_PASSWORD', '')}"))
        retry = urllib3.Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                              backoff_factor=backoff, status_forcelist=RETRY_STATUSES, allowed_methods=None,
                              raise_on_status=False, respect_retry_after_header=True)
        self.http = urllib3.PoolManager(num_pools=2, maxsize=2, headers=headers, retries=retry,
                                        timeout=urllib3.Timeout(connect=10.0, read=timeout))

    def close(self) -> None:
        self.http.clear()

    # --- the requests -------------------------------------------------------------------------------

    def request(self, method: str, url: str, what: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, ok_statuses: tuple[int, ...] = (),
                preload: bool = True) -> urllib3.BaseHTTPResponse:
        """Send a request, retried as the pool says; an error after the last try is an InputError
        naming `url`, `what` was being done, the status and the server's message. With `preload` false
        the body is left to be streamed."""
        try:
            response = self.http.request(method, url, body=body, headers=headers or {}, redirect=False,
                                         preload_content=preload)
        except MaxRetryError as exc:
            reason = exc.reason if exc.reason is not None else exc
            raise InputError(url, f"cannot reach the store server ({what}): {_reason(reason)}") from None
        except (TransportError, OSError) as exc:
            raise InputError(url, f"cannot reach the store server ({what}): {_reason(exc)}") from None
        if response.status >= 300 and response.status not in ok_statuses:
            detail = response.data.decode("utf-8", "replace").strip()[:500]
            status = f"HTTP {response.status} {response.reason}" if response.reason else f"HTTP {response.status}"
            raise InputError(url, f"{status} ({what})" + (f": {detail}" if detail else ""))
        return response

    def server_name(self) -> str:
        """The ``Server`` header the Graph Store endpoint answers a HEAD with ('' when it sends none)."""
        response = self.request("HEAD", self.url, "asking what server it is", ok_statuses=(400, 405))
        return response.headers.get("Server", "")

    def select(self, query_url: str, query: str, what: str):
        """Solutions of a SELECT query (SPARQL 1.1 Protocol, by POST), as pyoxigraph terms."""
        response = self.request("POST", query_url, what, body=query.encode("utf-8"),
                                headers={"Content-Type": "application/sparql-query",
                                         "Accept": "application/sparql-results+json"})
        try:
            return ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise InputError(query_url, f"the server's answer ({what}) is not SPARQL JSON results: {exc}") from None

    def update(self, update_url: str, update: str, what: str) -> None:
        self.request("POST", update_url, what, body=update.encode("utf-8"),
                     headers={"Content-Type": "application/sparql-update"})

    def graph_url(self, iri: str) -> str:
        return f"{self.url}{'&' if '?' in self.url else '?'}graph={quote(iri, safe='')}"

    def put_graph(self, iri: str, ntriples: bytes) -> None:
        self.request("PUT", self.graph_url(iri), f"replacing graph <{iri}>", body=ntriples,
                     headers={"Content-Type": "application/n-triples"})

    def delete_graph(self, iri: str) -> None:
        self.request("DELETE", self.graph_url(iri), f"removing graph <{iri}>", ok_statuses=(404,))


def oxigraph_root(url: str) -> str:
    """An Oxigraph server's root from its Graph Store endpoint (``…/store``) or its root itself."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/store"):
        path = path[: -len("/store")]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _reason(exc: BaseException) -> str:
    """What went wrong, without the connection object urllib3 names first."""
    text = re.sub(r"^(<[^>]*>|\w*Connection\([^)]*\)): ", "", str(exc))
    return text.strip("()'\" ") or type(exc).__name__
