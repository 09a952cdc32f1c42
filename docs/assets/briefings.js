/* Briefing pages: access dates, copy buttons, and downloads dated today.
   Everything works without this script: the box then shows "[date accessed]". */
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December"];
  var MLA = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() { return new Date(); }
  function isoDate(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function formatted(d, fmt) {
    return fmt === "dmy" ? d.getDate() + " " + MLA[d.getMonth()] + " " + d.getFullYear()
                         : MONTHS[d.getMonth()] + " " + d.getDate() + ", " + d.getFullYear();
  }
  function withAccessDate(kind, text, d) {
    var iso = isoDate(d);
    if (kind === "bib") return text.replace(/\n}\s*$/, ",\n  urldate = {" + iso + "}\n}\n");
    if (kind === "ris") return text.replace(/ER  - /, "Y2  - " + iso.replace(/-/g, "/") + "\r\nER  - ");
    if (kind === "json") {
      var items = JSON.parse(text);
      items.forEach(function (it) { it.accessed = {"date-parts": [[d.getFullYear(), d.getMonth() + 1, d.getDate()]]}; });
      return JSON.stringify(items, null, 1) + "\n";
    }
    return text;
  }
  function init() {
    var d = today();
    document.querySelectorAll(".bd-accessed").forEach(function (el) {
      el.textContent = formatted(d, el.getAttribute("data-format"));
    });
    document.querySelectorAll("[data-copy]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var src = document.getElementById(btn.getAttribute("data-copy"));
        if (!src || !navigator.clipboard) return;
        navigator.clipboard.writeText(src.textContent.trim()).then(function () {
          btn.textContent = "Copied";
          setTimeout(function () { btn.textContent = "Copy"; }, 2000);
        });
      });
    });
    document.querySelectorAll("a[data-cite-download]").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        if (!window.fetch || !window.Blob) return;   /* the static file, without an access date */
        ev.preventDefault();
        var kind = a.getAttribute("data-cite-download");
        fetch(a.href).then(function (r) { return r.text(); }).then(function (text) {
          var blob = new Blob([withAccessDate(kind, text, today())], {type: a.getAttribute("type") || "text/plain"});
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = a.href.split("/").pop();
          document.body.appendChild(link);
          link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
        }).catch(function () { window.location.href = a.href; });
      });
    });
  }
  if (window.document$ && window.document$.subscribe) { window.document$.subscribe(init); }
  else if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
