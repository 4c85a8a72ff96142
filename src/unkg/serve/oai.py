"""OAI-PMH 2.0 at ``/oai`` of ``unkg serve``: the records ``unkg build`` wrote (``build/oai.json`` and the
files it names), harvestable as ``oai_dc``, ``marc21`` and ``akn``.

Items are documents (FRBR Works), identified by their Work IRI; their datestamp is when their source
files last changed (seconds, UTC). Sets: each organ (``general-assembly``) and each of its sessions or
years (``general-assembly:79``, ``security-council:2025``). Lists come in pages of ``oai_page_size`` with
stateless resumption tokens. Every error is the protocol's error element (HTTP 200), never a 500.
The ``akn`` record of a document is its leading language version (``crosswalks/record.toml``); every
version's AKN file is under ``build/akn/``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from werkzeug.wrappers import Request, Response

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = {  # prefix -> (schema, namespace, file under build/ for a record)
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/",
               "dc/{key}.xml"),
    "marc21": ("http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", "http://www.loc.gov/MARC21/slim",
               "marc/{key}.xml"),
    "akn": ("http://docs.oasis-open.org/legaldocml/akn-core/v1.0/os/part2-specs/schemas/akomantoso30.xsd",
            "http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "akn/{key}.{lead}.xml"),
}
ARGUMENTS = {  # verb -> (required, optional); resumptionToken is exclusive
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
TOKEN_LIMIT = 2048  # characters: the tokens this repository issues are far shorter
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # what XML 1.0 cannot hold
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Repository:
    build_dir: Path
    name: str
    admin_email: str
    page_size: int

    def index(self) -> dict:
        path = self.build_dir / "oai.json"
        if not path.is_file():
            return {"records": [], "sets": {}}
        return json.loads(path.read_text(encoding="utf-8"))

    # -- the protocol ----------------------------------------------------------------------------------
    def respond(self, request: Request) -> Response:
        root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        etree.SubElement(root, f"{{{OAI}}}responseDate").text = now
        req = etree.SubElement(root, f"{{{OAI}}}request")
        req.text = request.base_url
        try:
            args = self._arguments(request)
            verb = args.pop("verb", None)
            if verb not in ARGUMENTS:
                raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb" if verb else "no verb given")
            self._check(verb, args)
            for key, value in [("verb", verb), *sorted(args.items())]:
                req.set(key, value)
            body = etree.SubElement(root, f"{{{OAI}}}{verb}")
            getattr(self, verb)(body, args, request)
        except OaiError as exc:
            for child in list(root)[2:]:
                root.remove(child)
            if exc.code in ("badVerb", "badArgument"):  # the protocol: then the request has no attributes
                req.attrib.clear()
            error = etree.SubElement(root, f"{{{OAI}}}error", code=exc.code)
            error.text = NOT_XML.sub("\ufffd", exc.message)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return Response(data, content_type="text/xml; charset=utf-8")

    def _arguments(self, request: Request) -> dict[str, str]:
        pairs = list(request.args.items(multi=True))
        if request.method == "POST":
            pairs += list(request.form.items(multi=True))
        args: dict[str, str] = {}
        for key, value in pairs:
            if NOT_XML.search(key) or NOT_XML.search(value):
                raise OaiError("badResumptionToken" if key == "resumptionToken" else "badArgument",
                               f"argument {key!r} holds characters XML cannot carry")
            if key in args:
                raise OaiError("badArgument", f"argument {key!r} is repeated")
            args[key] = value
        return args

    def _check(self, verb: str, args: dict[str, str]) -> None:
        required, optional = ARGUMENTS[verb]
        unknown = set(args) - required - optional
        if unknown:
            raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
        if "resumptionToken" in args:
            if len(args) > 1:
                raise OaiError("badArgument", "resumptionToken is an exclusive argument")
            return
        missing = required - set(args)
        if missing:
            raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")

    # -- verbs -----------------------------------------------------------------------------------------
    def Identify(self, body, args, request) -> None:  # noqa: N802 - the protocol's verb names
        stamps = [r["datestamp"] for r in self.index()["records"]]
        for tag, text in [("repositoryName", self.name), ("baseURL", request.base_url), ("protocolVersion", "2.0"),
                          ("adminEmail", self.admin_email),
                          ("earliestDatestamp", min(stamps) if stamps else "1970-01-01T00:00:00Z"),
                          ("deletedRecord", "no"), ("granularity", "YYYY-MM-DDThh:mm:ssZ")]:
            etree.SubElement(body, f"{{{OAI}}}{tag}").text = text

    def ListMetadataFormats(self, body, args, request) -> None:  # noqa: N802
        if "identifier" in args:
            self._record(args["identifier"])
        for prefix, (schema, namespace, _) in FORMATS.items():
            fmt = etree.SubElement(body, f"{{{OAI}}}metadataFormat")
            etree.SubElement(fmt, f"{{{OAI}}}metadataPrefix").text = prefix
            etree.SubElement(fmt, f"{{{OAI}}}schema").text = schema
            etree.SubElement(fmt, f"{{{OAI}}}metadataNamespace").text = namespace

    def ListSets(self, body, args, request) -> None:  # noqa: N802
        if "resumptionToken" in args:
            raise OaiError("badResumptionToken", "this repository's set list is never split")
        for spec, name in sorted(self.index()["sets"].items()):
            item = etree.SubElement(body, f"{{{OAI}}}set")
            etree.SubElement(item, f"{{{OAI}}}setSpec").text = spec
            etree.SubElement(item, f"{{{OAI}}}setName").text = name

    def ListIdentifiers(self, body, args, request) -> None:  # noqa: N802
        self._list(body, args, records=False)

    def ListRecords(self, body, args, request) -> None:  # noqa: N802
        self._list(body, args, records=True)

    def GetRecord(self, body, args, request) -> None:  # noqa: N802
        prefix = self._prefix(args["metadataPrefix"])
        self._append(body, self._record(args["identifier"]), prefix, records=True)

    # -- helpers ---------------------------------------------------------------------------------------
    def _prefix(self, prefix: str) -> str:
        if prefix not in FORMATS:
            raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not offered: {', '.join(FORMATS)}")
        return prefix

    def _record(self, identifier: str) -> dict:
        for r in self.index()["records"]:
            if r["identifier"] == identifier:
                return r
        raise OaiError("idDoesNotExist", f"no item {identifier!r} in this repository")

    def _list(self, body, args: dict[str, str], records: bool) -> None:
        token = "resumptionToken" in args
        if token:
            args, offset = _read_token(args["resumptionToken"])
        else:
            offset = 0
        index = self.index()
        try:
            prefix = self._prefix(args["metadataPrefix"])
            low, high = _bounds(args.get("from"), args.get("until"))
            if "set" in args and args["set"] not in index["sets"]:
                raise OaiError("noRecordsMatch", f"no set {args['set']!r} in this repository")
        except OaiError as exc:
            if token:  # arguments carried by a token this repository did not issue
                raise OaiError("badResumptionToken", f"not a resumption token this repository issued "
                                                     f"({exc.message})") from None
            raise
        chosen = [r for r in index["records"]
                  if (low is None or r["datestamp"] >= low) and (high is None or r["datestamp"] <= high)
                  and ("set" not in args or args["set"] in r["sets"])]
        if not chosen:
            raise OaiError("noRecordsMatch", "no record matches these arguments")
        if offset >= len(chosen):
            raise OaiError("badResumptionToken", "the resumption token points past the list (it changed?)")
        for r in chosen[offset:offset + self.page_size]:
            self._append(body, r, prefix, records)
        if offset + self.page_size < len(chosen) or offset > 0:
            token = etree.SubElement(body, f"{{{OAI}}}resumptionToken", completeListSize=str(len(chosen)),
                                     cursor=str(offset))
            if offset + self.page_size < len(chosen):
                token.text = _make_token(args, offset + self.page_size)

    def _append(self, body, r: dict, prefix: str, records: bool) -> None:
        parent = etree.SubElement(body, f"{{{OAI}}}record") if records else body
        header = etree.SubElement(parent, f"{{{OAI}}}header")
        etree.SubElement(header, f"{{{OAI}}}identifier").text = r["identifier"]
        etree.SubElement(header, f"{{{OAI}}}datestamp").text = r["datestamp"]
        for spec in r["sets"]:
            etree.SubElement(header, f"{{{OAI}}}setSpec").text = spec
        if not records:
            return
        metadata = etree.SubElement(parent, f"{{{OAI}}}metadata")
        path = self.build_dir / FORMATS[prefix][2].format(key=r["key"], lead=r["lead"])
        element = etree.parse(str(path)).getroot()
        if prefix == "marc21":  # the file is a collection of one record
            element = element[0]
        metadata.append(element)


def _bounds(low: str | None, high: str | None) -> tuple[str | None, str | None]:
    def parse(value: str | None, end: bool) -> str | None:
        if value is None:
            return None
        if SECOND.fullmatch(value):
            stamp = value
        elif DAY.fullmatch(value):
            stamp = value + ("T23:59:59Z" if end else "T00:00:00Z")
        else:
            raise OaiError("badArgument", f"{value!r} is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")
        try:
            dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise OaiError("badArgument", f"{value!r} is not a valid date") from None
        return stamp

    if low and high and len(low) != len(high):
        raise OaiError("badArgument", "'from' and 'until' must have the same granularity")
    a, b = parse(low, False), parse(high, True)
    if a and b and a > b:
        raise OaiError("badArgument", "'from' is later than 'until'")
    return a, b


def _make_token(args: dict[str, str], offset: int) -> str:
    data = json.dumps({**args, "offset": offset}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode("utf-8")).decode("ascii").rstrip("=")


def _read_token(token: str) -> tuple[dict[str, str], int]:
    try:
        if len(token) > TOKEN_LIMIT or not token.isascii():
            raise ValueError
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw.decode("utf-8"))
        offset = data.pop("offset")
        if not (isinstance(offset, int) and offset >= 0 and "metadataPrefix" in data
                and set(data) <= {"metadataPrefix", "from", "until", "set"}
                and all(isinstance(v, str) for v in data.values())):
            raise ValueError
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError, RecursionError):
        raise OaiError("badResumptionToken", "not a resumption token this repository issued") from None
    return data, offset
