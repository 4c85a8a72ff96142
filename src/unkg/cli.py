"""The command line: a thin wrapper over the library.

Exit codes: 0 success; 1 some documents were refused (``build``); 2 usage or input error (the message
names the file and, where it applies, the line)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, authority
from .build import build as run_build
from .config import load_settings
from .errors import InputError
from .facts import card, dumps
from .parse import parse_file
from .util import write_atomic

PROGRESS_FROM = 5  # builds of more documents than this show a progress bar


class _Group(click.Group):
    def main(self, *args, **kwargs):  # one place turns input errors into exit code 2
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except InputError as exc:
            click.echo(f"unkg: error: {exc}", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("unkg: aborted", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            exc.show()
            sys.exit(2)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="unkg")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the nearest folder above with [tool.unkg] in pyproject.toml).")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """UN communications as linked data."""
    ctx.obj = project


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_context
def facts(ctx: click.Context, file: Path) -> None:
    """Print the facts card of FILE (a document's text) as JSON."""
    settings = load_settings(ctx.obj)
    auth = authority.load(settings.authorities_dir, settings.base)
    doc = parse_file(file, auth)
    click.echo(dumps(card(doc)), nl=False)


@main.command()
@click.option("--reference", is_flag=True,
              help="Validate with pySHACL (the reference validator) instead of the compiled shapes.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default=None,
              help="local: worker processes on this machine; dask: tasks on a Dask cluster (default: the engine "
                   "setting, local).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="The Dask scheduler to send the documents to (tcp://host:8786; implies --engine dask; "
                   "default: the scheduler setting, else a cluster of --jobs processes on this machine).")
@click.pass_context
def build(ctx: click.Context, reference: bool, jobs: int | None, engine: str | None, scheduler: str | None) -> None:
    """Run the pipeline on every document under source/documents into build/ (documents unchanged since
    the previous build are reused)."""
    import contextlib
    import dataclasses
    import time

    from .build import printable

    settings = load_settings(ctx.obj)
    if scheduler is not None and engine == "local":
        raise click.UsageError("--scheduler is the address of a Dask scheduler: it goes with --engine dask")
    engine = engine or ("dask" if scheduler else settings.engine)
    settings = dataclasses.replace(settings, engine=engine, scheduler=settings.scheduler if scheduler is None
                                   else scheduler)
    if engine == "dask" and settings.scheduler and jobs is not None:
        raise click.UsageError("--jobs sets the worker processes on this machine; a Dask cluster at "
                               f"{settings.scheduler} has its own workers")
    start = time.monotonic()
    with contextlib.ExitStack() as stack, _terminated_as_interrupt():
        bars = []

        def started(count: int) -> None:  # the number of language versions, once the sources are read
            if count > PROGRESS_FROM:
                bars.append(stack.enter_context(click.progressbar(length=count, label="building", file=sys.stderr)))

        try:
            report = run_build(settings, progress=lambda _: bars and bars[0].update(1), started=started,
                               reference=reference, jobs=jobs)
        except OSError as exc:  # a full disk, a folder that cannot be written: the previous build/ is intact
            where = exc.filename or settings.build_dir
            raise InputError(str(where), f"{exc.strerror or exc}; build/ is as the previous build left it") from None
        except KeyboardInterrupt:
            raise InputError(str(settings.build_dir), "interrupted; build/ is as the previous build left it") from None
    if report.notices:
        click.echo("".join(f"unkg: warning: {n}\n" for n in report.notices), nl=False, err=True)
    if report.built:  # one write for all of them (ten thousand lines, one by one, take a tenth of a second)
        click.echo("".join(f"published {printable(name)}\n" for name in report.built), nl=False)
    if report.refused:
        click.echo("".join(f"unkg: refused {printable(r.name)}: {printable(r.reason)}\n" for r in report.refused),
                   nl=False, err=True)
    processed = set(report.processed)
    reused = sum(1 for n in report.built + [r.name for r in report.refused] if n.split("/")[0] not in processed)
    click.echo(f"{len(report.built)} document(s) built ({reused} reused from the previous build), "
               f"{len(report.refused)} refused, "
               f"{report.triples} triples, {report.warnings} warning(s), {report.violations} violation(s) "
               f"in {time.monotonic() - start:.1f} s")
    if report.refused:
        sys.exit(1)


@main.command()
@click.pass_context
def clean(ctx: click.Context) -> None:
    """Remove what `unkg build` made (build/, the two folders it alternates between, and what an interrupted
    build or the store's upkeep left beside them); the sources are not touched."""
    import shutil

    from .build import leftovers

    settings = load_settings(ctx.obj)
    for path in leftovers(settings.build_dir):
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path)
        click.echo(f"removed {path}")


class _terminated_as_interrupt:
    """SIGTERM (a service manager stopping the build, `kill`) ends the build as Ctrl-C does: what it was
    writing is removed and build/ stays the previous build."""

    def __enter__(self):
        import signal

        from .build import FORKING, STOP

        def interrupt(*_):
            STOP.set()  # the build checks it between steps
            if not FORKING.is_set():  # (then, an exception raised here would fall in a fork hook and be lost)
                raise KeyboardInterrupt

        try:
            self.before = signal.signal(signal.SIGTERM, interrupt)
        except ValueError:  # not the main thread
            self.before = None
        return self

    def __exit__(self, *exc):
        import signal

        if self.before is not None:
            signal.signal(signal.SIGTERM, self.before)
        return False


@main.command()
@click.argument("query")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "xml", "csv", "tsv", "turtle", "ntriples"]),
              help="table for people; SPARQL results JSON/XML/CSV/TSV (SELECT, ASK); Turtle/N-Triples "
                   "(CONSTRUCT, DESCRIBE).")
@click.option("--federate", is_flag=True,
              help="Allow SERVICE: let the query send requests to the endpoints it names (refused without).")
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str, federate: bool) -> None:
    """Run a SPARQL QUERY (text, a .rq file, or the name of a query in the queries folder, such as
    who-signed) against the store that `unkg build` made.

    The default graph is the union of all graphs; GRAPH ?g {…} reaches each document's graph. A query
    with SERVICE (a request to another endpoint) is refused unless --federate is given."""
    import re

    from .serve import calls_service
    from .store import open_store, render, run_query

    settings = load_settings(ctx.obj)
    source = "<query>"
    if query.endswith(".rq") or re.fullmatch(r"[\w.-]+", query):  # a file, else a name in queries_dir
        path = Path(query)
        if not path.is_file() and path.name == query:
            path = settings.queries_dir / (query if query.endswith(".rq") else f"{query}.rq")
        if not path.is_file():
            names = sorted(p.stem for p in settings.queries_dir.glob("*.rq"))
            raise InputError(query, f"no such query file, nor a query of that name in {settings.queries_dir} "
                             f"(there: {', '.join(names)})")
        try:
            source, query = str(path), path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(str(path), "not UTF-8 text") from None
    if not federate and calls_service(query):
        raise InputError(source, "the query calls a remote endpoint (SERVICE); pass --federate to let it "
                                 "send that request")
    store = open_store(settings.build_dir / "store")
    try:
        click.echo(render(run_query(store, query, source), fmt), nl=False)
    except OSError as exc:  # the store, or with --federate a remote endpoint, could not answer
        raise InputError(source, f"the query could not be answered: {exc}") from None


@main.command()
@click.option("--host", default=None, help="Address to listen on (setting `host`, 127.0.0.1 by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port to listen on (setting `port`).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the SPARQL 1.1 Protocol (read-only) at /sparql, the linked-data pages and OAI-PMH over the
    store `unkg build` made, with a production WSGI server (waitress)."""
    from .serve import serve as run_server

    settings = load_settings(ctx.obj)
    port = port or settings.port
    if not 1 <= port <= 65535:
        raise InputError("setting 'port'", f"{port} is not a port (1 to 65535)")
    if settings.query_workers < 1 or settings.request_limit < 1 or not settings.query_timeout > 0:
        raise InputError("settings", "query_workers, request_limit and query_timeout must be above 0")
    run_server(settings, host or settings.host, port)


@main.command()
@click.argument("url")
@click.option("--protocol", type=click.Choice(["auto", "oxigraph", "gsp"]), default="auto", show_default=True,
              help="oxigraph: bulk load into an Oxigraph server; gsp: any Graph Store Protocol endpoint, one "
                   "PUT per graph; auto: oxigraph when the server says it is Oxigraph.")
@click.option("--query-url", default=None,
              help="gsp: the server's SPARQL query endpoint, to find what changed and what is gone.")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Tries after the first on a connection error or HTTP 500/502/503/504 (with back-off).")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds to wait for the server's answer to one request.")
@click.option("--batch", type=click.IntRange(min=1), default=100_000, show_default=True,
              help="oxigraph: quads per request.")
@click.pass_context
def push(ctx: click.Context, url: str, protocol: str, query_url: str | None, retries: int, timeout: float,
         batch: int) -> None:
    """Make the store server at URL hold the build's graphs (for Oxigraph, http://HOST:PORT/store): the
    project's graphs that changed are replaced, new ones loaded, those the build no longer has removed;
    graphs outside the project's base are not touched. Credentials: UNKG_PUSH_USER, UNKG_PUSH_PASSWORD."""
    import contextlib
    import time

    from .store.push import push as run_push

    settings = load_settings(ctx.obj)
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        bars = []  # a progress bar (on standard error, drawn on a terminal only) once the quads to send are known
        on_plan = lambda todo: todo.quads and bars.append(stack.enter_context(  # noqa: E731
            click.progressbar(length=todo.quads, label="pushing quads", file=sys.stderr)))
        report = run_push(settings.build_dir, url, settings.base, protocol=protocol, query_url=query_url,
                          retries=retries, timeout=timeout, batch=batch, on_plan=on_plan,
                          progress=lambda quads: bars[0].update(quads))
    click.echo(f"pushed {report.loaded + report.replaced} graph(s) to {url} ({report.protocol}): {report.loaded} "
               f"new, {report.replaced} replaced, {report.removed} removed, {report.unchanged} unchanged; "
               f"{report.sent} quads sent; the build has {report.graphs} graph(s), {report.quads} quads; "
               f"{time.perf_counter() - start:.1f} s")
    if report.unchecked:
        click.echo("unkg: the server was not compared with the build (no --query-url): every graph was put, "
                   "and graphs of documents no longer built were not removed", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reference", is_flag=True,
              help="Validate with pySHACL (the reference validator) instead of the compiled shapes.")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write each file's SHACL report graph (Turtle) into DIR (build/ is never written to).")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], reference: bool, report_dir: Path | None) -> None:
    """Validate RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD) against the shapes that apply to each:
    the communication shapes, or those of the catalogue (DCAT-AP), of SHACL reports or of the ontology.

    Each file is read together with the authority data. Exit 0: every file conforms (warnings
    allowed); 1: violations; 2: a file cannot be read, or the shapes use SHACL the compiled shapes do not
    implement (--reference does)."""
    from .mapping import authority_graph
    from .rdf.read import read_rdf
    from .validate import ShapeSets, Unsupported, results_turtle
    from .validate import validate as run_validate

    settings = load_settings(ctx.obj)
    auth = authority.load(settings.authorities_dir, settings.base)
    shape_sets = ShapeSets(settings.shapes_dir, settings.base)
    auth_graph = authority_graph(auth, settings.base)
    graphs = [(f, read_rdf(f)) for f in files]  # every file is read before anything is validated
    failed = False
    for f, graph in graphs:
        try:
            report = run_validate(graph, shape_sets.shapes_for(graph), auth_graph, reference=reference)
        except Unsupported as exc:
            raise InputError(str(settings.shapes_dir), f"{exc}; validate with pySHACL instead "
                             "(unkg validate --reference)") from None
        click.echo(report.text(str(f)), nl=False)
        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(report_dir / f"{f.name}.report.ttl", results_turtle(report.results))
        failed |= not report.conforms
    if failed:
        sys.exit(1)


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["marc", "mrk", "mrc", "dc", "akn"]))
@click.argument("keys", nargs=-1)
@click.option("--lang", default=None, help="akn: the language version (default: the record's leading one).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (whole or not at all) instead of standard output.")
@click.pass_context
def export(ctx: click.Context, fmt: str, keys: tuple[str, ...], lang: str | None, output: Path | None) -> None:
    """Export documents (KEYS: folders under source/documents; all when none) as archival metadata:
    marc (MARCXML collection), mrk (MARC breaker), mrc (ISO 2709), dc (Dublin Core, one document), akn (Akoma
    Ntoso, one language version). Each version is parsed, mapped and validated first (as `unkg build` does); a document
    that fails is refused with its name and the reason, and nothing is written."""
    from .build import documents
    from .pipeline import Pipeline, violations_text
    from .exchange.akn import akn_xml
    from .exchange.dc import dc_xml
    from .exchange.marc import breaker, iso2709, marc_record, marcxml

    settings = load_settings(ctx.obj)
    pipeline = Pipeline(settings)  # what a build's worker loads: authorities, shapes, crosswalks
    auth, exchange = pipeline.auth, pipeline.exchange
    paths = documents(settings.documents_dir)
    known = sorted({p.parent.name for p in paths})
    for key in keys:
        if key not in known:
            raise InputError(str(settings.documents_dir / key), "no such document folder")
    chosen = list(keys) or known
    if fmt in ("dc", "akn") and len(chosen) != 1:
        raise InputError(str(settings.documents_dir), f"{fmt} exports one document: name one of "
                         + ", ".join(known))
    versions: dict[str, list] = {}
    for path in paths:
        if path.parent.name not in chosen:
            continue
        checked = pipeline.check(path)
        if not checked.conforms:
            raise InputError(str(path), f"refused: {violations_text(checked.results)}")
        versions.setdefault(path.parent.name, []).append(checked.doc)
    records = [exchange.record(versions[k]) for k in chosen]
    if fmt == "marc":
        data = marcxml([marc_record(r, exchange.marc) for r in records])
    elif fmt == "mrk":
        data = "\n".join(breaker(marc_record(r, exchange.marc)) for r in records).encode("utf-8")
    elif fmt == "mrc":  # an ISO 2709 file is its records one after another
        data = b"".join(iso2709(marc_record(r, exchange.marc)) for r in records)
    elif fmt == "dc":
        data = dc_xml(records[0], exchange.dc)
    else:
        docs = versions[chosen[0]]
        want = lang or records[0].language
        match = [d for d in docs if d.language.value == want]
        if not match:
            raise InputError(str(settings.documents_dir / chosen[0]), f"no {want!r} version; there are: "
                             + ", ".join(sorted(d.language.value for d in docs)))
        data = akn_xml(match[0], auth, settings.templates_dir)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        write_atomic(output, data)
