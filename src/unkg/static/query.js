// The query page: posts the query to /sparql and shows the SPARQL JSON results as a table.
// Values are written with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var status = document.getElementById("status");
  var table = document.getElementById("results");
  function cell(row, text, tag) {
    var c = document.createElement(tag);
    c.textContent = text;
    row.appendChild(c);
  }
  function run() {
    status.textContent = "running…";
    table.textContent = "";
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(document.getElementById("query").value)
    }).then(function (response) {
      if (!response.ok) { return response.text().then(function (t) { throw new Error(t); }); }
      return response.json();
    }).then(function (data) {
      if (data.boolean !== undefined) { status.textContent = data.boolean ? "yes" : "no"; return; }
      var head = document.createElement("tr");
      data.head.vars.forEach(function (v) { cell(head, v, "th"); });
      table.appendChild(head);
      data.results.bindings.forEach(function (b) {
        var row = document.createElement("tr");
        data.head.vars.forEach(function (v) { cell(row, b[v] ? b[v].value : "", "td"); });
        table.appendChild(row);
      });
      status.textContent = data.results.bindings.length + " result(s)";
      status.setAttribute("data-done", "yes");
    }).catch(function (e) { status.textContent = "error: " + e.message; status.setAttribute("data-done", "error"); });
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  if (new URLSearchParams(window.location.search).get("run") === "1") { run(); }
})();
