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
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
