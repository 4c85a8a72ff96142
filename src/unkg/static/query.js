// The query page (templates/query.html): pick an example, run the query against this server's /sparql,
// show the results. Every value is written with textContent or as an attribute, never parsed as HTML; every
// request goes to this server (a result's external IRIs are links the reader may follow, rel=noopener).
// Every state is a URL: /query?example=NAME, /query?query=TEXT; &run=1 runs it. The back button works.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var status = document.getElementById("status");
  var table = document.getElementById("results");
  var answer = document.getElementById("answer");
  var graph = document.getElementById("graph");
  var errorBox = document.getElementById("error");
  var downloads = document.getElementById("downloads");
  var base = form.getAttribute("data-base") || "";
  var examples = JSON.parse(document.getElementById("examples-data").textContent || "{}");
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var PLAIN = [XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"];
  var latest = 0; // the run whose answer is shown; an older run's late answer is dropped

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  // the link for an IRI: the project's own IRIs (under the base) to their page here, http(s) ones as they are
  function link(iri) {
    if (base && iri.indexOf(base + "/") === 0) {
      var path = iri.slice(base.length).replace(/#/g, "%23");
      if (path.charAt(1) !== "/") { return { href: path, local: true }; } // never "//host": another server
    }
    if (/^https?:\/\/[^\s]+$/i.test(iri)) { return { href: iri, local: false }; }
    return null;
  }

  function iriNode(iri) {
    var target = link(iri);
    if (!target) { return el("span", iri, "iri"); }
    var a = el("a", iri, target.local ? "local" : "external");
    a.setAttribute("href", target.href);
    if (!target.local) { a.setAttribute("rel", "noopener noreferrer"); }
    return a;
  }

  function short(datatype) {
    return datatype.indexOf(XSD) === 0 ? "xsd:" + datatype.slice(XSD.length) : datatype;
  }

  function termText(t) {
    if (t.type === "uri") { return "<" + t.value + ">"; }
    if (t.type === "bnode") { return "_:" + t.value; }
    if (t.type === "triple") {
      return "<< " + termText(t.value.subject) + " " + termText(t.value.predicate) + " " + termText(t.value.object) + " >>";
    }
    return JSON.stringify(t.value) + (t["xml:lang"] ? "@" + t["xml:lang"] : "");
  }

  function term(t) {
    var td = document.createElement("td");
    if (!t) { return td; }
    if (t.type === "uri") {
      td.appendChild(iriNode(t.value));
    } else if (t.type === "literal" || t.type === "typed-literal") {
      var typed = !t["xml:lang"] && t.datatype && PLAIN.indexOf(t.datatype) < 0; // a date, a number: unbroken
      td.appendChild(el("span", t.value, typed ? "literal typed" : "literal"));
      if (t["xml:lang"]) {
        td.appendChild(el("span", "@" + t["xml:lang"], "lang"));
      } else if (typed) {
        var d = el("span", "^^" + short(t.datatype), "datatype");
        d.setAttribute("title", t.datatype);
        td.appendChild(d);
      }
    } else if (t.type === "bnode") {
      td.appendChild(el("span", "_:" + t.value, "bnode"));
    } else {
      td.appendChild(el("span", termText(t), t.type === "triple" ? "triple" : "term"));
    }
    return td;
  }

  function clear() {
    table.textContent = "";
    graph.textContent = "";
    graph.hidden = true;
    answer.textContent = "";
    answer.hidden = true;
    errorBox.hidden = true;
    errorBox.removeAttribute("data-line");
    errorBox.removeAttribute("data-column");
    downloads.hidden = true;
    downloads.querySelector(".links").textContent = "";
    status.textContent = "";
    status.removeAttribute("data-done");
  }

  function showTable(data) {
    var vars = data.head.vars;
    var head = el("thead");
    var row = el("tr");
    vars.forEach(function (v) { row.appendChild(el("th", v)); });
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    data.results.bindings.forEach(function (b) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(term(b[v])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    var n = data.results.bindings.length;
    return n + (n === 1 ? " result" : " results");
  }

  // the line and column the endpoint's message leads with ("not valid SPARQL at line 3, column 2 …")
  function showError(message, query) {
    var text = errorBox.querySelector(".message");
    var context = errorBox.querySelector(".context");
    text.textContent = message;
    context.textContent = "";
    errorBox.hidden = false;
    var at = /at line (\d+), column (\d+)/.exec(message);
    if (!at) { return; }
    var line = parseInt(at[1], 10), column = parseInt(at[2], 10);
    errorBox.setAttribute("data-line", String(line));
    errorBox.setAttribute("data-column", String(column));
    var lines = query.split("\n");
    if (line < 1 || line > lines.length) { return; }
    var number = String(line) + " | ";
    context.appendChild(el("span", number, "number"));
    context.appendChild(el("mark", lines[line - 1].replace(/\r$/, ""), "line"));
    context.appendChild(document.createTextNode("\n" + " ".repeat(number.length + Math.max(column - 1, 0)) + "^"));
    var start = 0;
    for (var i = 0; i < line - 1; i += 1) { start += lines[i].length + 1; }
    editor.setSelectionRange(start, start + lines[line - 1].length); // the line, selected in the editor
  }

  function showDownloads(query, kinds) {
    var links = downloads.querySelector(".links");
    kinds.forEach(function (kind) {
      var a = el("a", kind[1], "download");
      a.setAttribute("href", "/sparql?query=" + encodeURIComponent(query) + "&format=" + kind[0]);
      a.setAttribute("data-format", kind[0]);
      a.setAttribute("download", "results." + kind[2]);
      links.appendChild(a);
    });
    downloads.hidden = false;
  }

  function run() {
    var query = editor.value;
    var mine = latest += 1;
    clear();
    status.textContent = "running…";
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: "query=" + encodeURIComponent(query)
    }).then(function (response) {
      return response.text().then(function (body) {
        if (mine !== latest) { return; }
        if (!response.ok) {
          status.textContent = "error " + response.status;
          status.setAttribute("data-done", "error");
          showError(body.trim(), query);
          return;
        }
        var type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
        if (type === "text/turtle") {
          graph.textContent = body;
          graph.hidden = false;
          status.textContent = "a graph (Turtle)";
          showDownloads(query, [["turtle", "Turtle", "ttl"], ["ntriples", "N-Triples", "nt"]]);
        } else {
          var data = JSON.parse(body);
          if (typeof data.boolean === "boolean") {
            answer.textContent = data.boolean ? "yes" : "no";
            answer.className = data.boolean ? "ask yes" : "ask no";
            answer.hidden = false;
            status.textContent = "answer: " + answer.textContent;
          } else {
            status.textContent = showTable(data);
          }
          showDownloads(query, [["csv", "CSV", "csv"], ["json", "JSON", "json"], ["tsv", "TSV", "tsv"]]);
        }
        status.setAttribute("data-done", "yes");
      });
    }).catch(function (e) {
      if (mine !== latest) { return; }
      status.textContent = "error: " + e.message;
      status.setAttribute("data-done", "error");
    });
  }

  // -- the URL: every state is one -------------------------------------------------------------------
  function exampleOf(query) {
    for (var name in examples) {
      if (Object.prototype.hasOwnProperty.call(examples, name) && examples[name].text === query) { return name; }
    }
    return null;
  }

  function urlFor(query, running) {
    var name = exampleOf(query);
    var params = new URLSearchParams();
    if (name !== null) { params.set("example", name); } else { params.set("query", query); }
    if (running) { params.set("run", "1"); }
    return "/query?" + params.toString();
  }

  function markCurrent(name) {
    document.querySelectorAll(".examples a").forEach(function (a) {
      var li = a.closest("[data-example]");
      if (li && li.getAttribute("data-example") === name) { a.setAttribute("aria-current", "true"); }
      else { a.removeAttribute("aria-current"); }
    });
  }

  // the page as its URL has it: the editor's text, the example marked, the query run when &run=1
  function restore() {
    var params = new URLSearchParams(window.location.search);
    var name = params.get("example");
    if (params.has("query")) {
      editor.value = params.get("query");
    } else if (name !== null && Object.prototype.hasOwnProperty.call(examples, name)) {
      editor.value = examples[name].text;
    }
    markCurrent(exampleOf(editor.value));
    if (params.get("run") === "1") { run(); } else { latest += 1; clear(); }
  }

  function go(url) {
    if (url !== window.location.pathname + window.location.search) { window.history.pushState(null, "", url); }
  }

  document.querySelectorAll(".examples a").forEach(function (a) {
    a.addEventListener("click", function (e) {
      var li = a.closest("[data-example]");
      var name = li && li.getAttribute("data-example");
      if (!name || !Object.prototype.hasOwnProperty.call(examples, name) || e.ctrlKey || e.metaKey || e.shiftKey) {
        return; // the link as it is
      }
      e.preventDefault();
      editor.value = examples[name].text;
      go("/query?example=" + encodeURIComponent(name));
      markCurrent(name);
      latest += 1;
      clear();
      editor.focus();
    });
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    go(urlFor(editor.value, true));
    markCurrent(exampleOf(editor.value));
    run();
  });

  window.addEventListener("popstate", restore);
  restore();
})();
