// Progressive enhancement only: every page reads fine without this file.
// Copy buttons for policy snippets, and filter + sort for tool tables.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setupCopy() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target) { return; }
        copyText(target.textContent).then(function () {
          button.textContent = "Copied";
          button.classList.add("copied");
          setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 1500);
        }, function () {
          button.textContent = "Select and copy";
          var range = document.createRange();
          range.selectNodeContents(target);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
        });
      });
    });
  }

  // Code-point order: the same order as the pages the server renders, whatever the browser's locale.
  function byText(x, y) { return x < y ? -1 : x > y ? 1 : 0; }

  function setupTables() {
    document.querySelectorAll(".table-controls[data-table]").forEach(function (controls) {
      var table = document.getElementById(controls.getAttribute("data-table"));
      if (!table) { return; }
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var text = controls.querySelector(".f-text");
      var risk = controls.querySelector(".f-risk");
      var cat = controls.querySelector(".f-cat");
      var count = controls.querySelector(".f-count");
      controls.hidden = false;

      function applyFilter() {
        var q = text.value.trim().toLowerCase();
        var shown = 0;
        rows.forEach(function (row) {
          var ok = (!q || row.textContent.toLowerCase().indexOf(q) !== -1) &&
            (!risk.value || row.getAttribute("data-risk") === risk.value) &&
            (!cat.value || row.getAttribute("data-category") === cat.value);
          row.hidden = !ok;
          if (ok) { shown += 1; }
        });
        count.textContent = shown + " of " + rows.length + " tools shown";
      }
      [text, risk, cat].forEach(function (el) { el.addEventListener("input", applyFilter); });

      table.querySelectorAll("th[data-sort] button").forEach(function (button) {
        button.addEventListener("click", function () {
          var th = button.parentNode;
          var key = th.getAttribute("data-sort");
          var numeric = th.hasAttribute("data-numeric");
          var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
          if (!th.hasAttribute("aria-sort") && numeric) { dir = "descending"; }
          table.querySelectorAll("th[data-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", dir);
          var sign = dir === "ascending" ? 1 : -1;
          rows.sort(function (a, b) {
            var x = a.getAttribute("data-" + key), y = b.getAttribute("data-" + key);
            var cmp = numeric ? (Number(x) - Number(y)) : byText(x, y);
            if (cmp === 0) { cmp = byText(a.getAttribute("data-name"), b.getAttribute("data-name")); }
            return sign * cmp;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
      applyFilter();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setupCopy(); setupTables(); });
})();
