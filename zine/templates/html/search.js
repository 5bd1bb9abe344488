// The zine's search page: Pagefind UI over every language's index; ?q= runs a search.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var note = document.getElementById("search-nojs");
  if (note) { note.hidden = true; }
  var bundle = new URL("pagefind/", document.baseURI).href;
  var base = new URL("./", document.baseURI).pathname;  // the site may live under a path
  var others = (box.getAttribute("data-languages") || "").split(" ").filter(Boolean);
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundle,
    baseUrl: base,
    showImages: false,
    showSubResults: false,
    mergeIndex: others.map(function (lang) {
      return {bundlePath: bundle, baseUrl: base, language: lang};
    })
  });
  // Pagefind's box has only a title; give it the page's visible label (axe: label-title-only).
  function label() {
    var input = box.querySelector("input");
    if (!input) { window.requestAnimationFrame(label); return; }
    input.id = "search-query";
    var text = document.getElementById("search-label");
    text.htmlFor = input.id;  // set here: the input exists only once Pagefind drew it
    text.hidden = false;
  }
  label();
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
