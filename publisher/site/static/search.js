// Client-side search over the prebuilt, sharded index in search/ (see publisher/site/search_index.py).
// Shards are loaded as <script> files so search also works from file:// without any server.
(function () {
  "use strict";
  var root = "";
  var meta = null;
  var terms = {};      // shard key -> {word: [delta-encoded doc ids]}
  var docs = {};       // shard number -> rows
  var waiting = {};    // script URL -> [callbacks]
  var MAX_RESULTS = 100;

  window.MCPSearch = {
    setMeta: function (m) { meta = m; },
    addTerms: function (key, words) { terms[key] = words; },
    addDocs: function (n, rows) { docs[n] = rows; }
  };

  function load(path, ready) {
    var url = root + "search/" + path;
    if (waiting[url] === true) { ready(); return; }
    if (waiting[url]) { waiting[url].push(ready); return; }
    waiting[url] = [ready];
    var script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = script.onerror = function () {
      var callbacks = waiting[url];
      waiting[url] = true;
      callbacks.forEach(function (cb) { cb(); });
    };
    document.head.appendChild(script);
  }

  function loadAll(paths, ready) {
    var left = paths.length;
    if (!left) { ready(); return; }
    paths.forEach(function (p) { load(p, function () { left -= 1; if (!left) { ready(); } }); });
  }

  function tokens(text) {
    var spaced = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return (spaced.toLowerCase().match(/[a-z0-9]+/g) || []).filter(function (t) { return t.length >= 2; });
  }

  function postings(word) {
    // All indexed words that start with the query word (prefix search), merged.
    var shard = terms[word.slice(0, 2)] || {};
    var scores = {};
    Object.keys(shard).forEach(function (w) {
      if (w.indexOf(word) !== 0) { return; }
      var exact = w === word ? 2 : 1;
      var id = 0;
      shard[w].forEach(function (delta) { id += delta; scores[id] = Math.max(scores[id] || 0, exact); });
    });
    return scores;
  }

  function search(query) {
    var words = tokens(query);
    if (!words.length) { return null; }
    var result = null;
    words.forEach(function (word) {
      var scores = postings(word);
      if (result === null) { result = scores; return; }
      var next = {};
      Object.keys(result).forEach(function (id) { if (scores[id]) { next[id] = result[id] + scores[id]; } });
      result = next;
    });
    return result || {};
  }

  function selected(form) {
    var risks = Array.prototype.map.call(form.querySelectorAll("input[name=risk]:checked"), function (i) { return i.value; });
    var kind = form.querySelector("input[name=kind]:checked");
    return { risks: risks, kind: kind ? kind.value : "", sort: form.querySelector("#sort").value };
  }

  function run(form) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("results");
    var query = form.querySelector("#q").value;
    var words = tokens(query);
    list.textContent = "";
    if (!words.length) { status.textContent = "Type at least two letters of a tool or server name."; return; }
    status.textContent = "Searching…";
    // Only shards that exist (a missing one would be a 404 and, for an unknown word, no results anyway).
    var keys = words.map(function (w) { return w.slice(0, 2); })
      .filter(function (k) { return meta.shards.indexOf(k) !== -1; })
      .map(function (k) { return "t/" + k + ".js"; });
    loadAll(keys, function () {
      var scored = search(query);
      // Best matches first; only their document shards are loaded (a few hundred kB at most).
      var ids = Object.keys(scored).map(Number).sort(function (a, b) { return scored[b] - scored[a] || a - b; });
      ids = ids.slice(0, 3000);
      var shards = {};
      ids.forEach(function (id) { shards[Math.floor(id / meta.docShard)] = true; });
      var needed = Object.keys(shards).map(function (n) { return "d/" + n + ".js"; });
      loadAll(needed, function () { show(form, query, scored, ids); });
    });
  }

  function show(form, query, scored, ids) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("results");
    var f = selected(form);
    var q = query.trim().toLowerCase();
    var hits = [];
    ids.forEach(function (id) {
      var shard = docs[Math.floor(id / meta.docShard)];
      if (!shard) { return; }
      var d = shard[id % meta.docShard];
      var risk = meta.risks[d[3]];
      if (f.kind && d[0] !== f.kind) { return; }
      if (d[0] === "t" && risk && f.risks.indexOf(risk) === -1) { return; }
      var score = scored[id] + (d[1].toLowerCase() === q ? 10 : 0);
      hits.push({ kind: d[0], name: d[1], server: d[2], risk: risk, rank: d[3], category: meta.categories[d[4]], url: d[5], score: score });
    });
    hits.sort(function (a, b) {
      if (f.sort === "risk" && a.rank !== b.rank) { return (b.rank === 4 ? -1 : b.rank) - (a.rank === 4 ? -1 : a.rank); }
      if (f.sort === "relevance" && a.score !== b.score) { return b.score - a.score; }
      var x = a.name.toLowerCase(), y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    });
    hits.slice(0, MAX_RESULTS).forEach(function (h) {
      var li = document.createElement("li");
      if (h.kind === "t" && h.risk) {
        var badge = document.createElement("span");
        badge.className = "badge risk-" + h.risk.toLowerCase();
        badge.textContent = h.risk;
        li.appendChild(badge);
        li.appendChild(document.createTextNode(" "));
      }
      var a = document.createElement("a");
      a.href = root + h.url;
      a.textContent = h.name;
      li.appendChild(a);
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = h.kind === "t" ? " tool on " + h.server + (h.category ? " · " + h.category : "") : " server";
      li.appendChild(where);
      list.appendChild(li);
    });
    status.textContent = hits.length ? hits.length + " result" + (hits.length === 1 ? "" : "s") +
      (hits.length > MAX_RESULTS ? ", showing the first " + MAX_RESULTS : "") : "No results for “" + query + "”.";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    var holder = document.getElementById("search-root");
    if (!form || !holder) { return; }
    root = holder.getAttribute("data-root") || "";
    var input = form.querySelector("#q");
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) { input.value = params.get("q"); }
    var timer = null;
    function schedule() { clearTimeout(timer); timer = setTimeout(function () { run(form); }, 120); }
    load("meta.js", function () {
      form.addEventListener("submit", function (e) { e.preventDefault(); run(form); });
      input.addEventListener("input", schedule);
      form.querySelectorAll("input[type=checkbox], input[type=radio], select").forEach(function (el) {
        el.addEventListener("change", function () { run(form); });
      });
      if (input.value) { run(form); }
    });
  });
})();
