"""``unkg push URL``: load the published dataset into any SPARQL 1.1 Graph Store HTTP Protocol endpoint,
one named graph at a time (``PUT URL?graph=IRI``: the graph is replaced whole, so pushing again changes
nothing). Credentials, where the endpoint needs them, come from the environment variables
``UNKG_PUSH_USER`` and ``UNKG_PUSH_PASSWORD`` (HTTP Basic), never from the command line."""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from ..errors import InputError
from ..rdf.read import read_quads


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0


def push(dataset_nq: Path, url: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> PushReport:
    env = dict(os.environ) if env is None else env
    if not dataset_nq.is_file():
        raise InputError(str(dataset_nq), "no dataset: run `unkg build` first")
    if not url.startswith(("http://", "https://")):
        raise InputError(url, "the Graph Store endpoint must be an http(s) URL")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in read_quads(dataset_nq):
        if isinstance(q.graph_name, ox.NamedNode):
            graphs[q.graph_name.value].append(q.triple)
    headers = {"Content-Type": "application/n-triples"}
    if env.get("UNKG_PUSH_USER"):
        token = f"{env['UNKG_PUSH_USER']}:{env.get('UNKG_PUSH_PASSWORD', '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    report = PushReport()
    sep = "&" if "?" in url else "?"
    for iri in sorted(graphs):
        body = ox.serialize(sorted(graphs[iri], key=str), format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(f"{url}{sep}graph={quote(iri, safe='')}", data=body,
                                         headers=headers, method="PUT")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:300]
            raise InputError(url, f"HTTP {exc.code} {exc.reason} for graph <{iri}>"
                             + (f": {detail}" if detail else "")) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise InputError(url, f"cannot reach the endpoint: {reason}") from None
        report.graphs += 1
        report.triples += len(graphs[iri])
    return report
