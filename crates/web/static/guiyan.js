// Refreshes the dashboard's live part every few seconds, so that a unit's report shows without a
// reload. Everything on the page works without this script.
(function () {
  "use strict";
  var every = 5000;
  function refresh() {
    var live = document.getElementById("live");
    if (!live || !window.fetch) { return; }
    var href = live.getAttribute("data-href") + "&v=" + encodeURIComponent(live.getAttribute("data-version"));
    fetch(href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 200) { return response.text(); }
        return null;
      })
      .then(function (html) {
        if (html) { live.outerHTML = html; }
      })
      .catch(function () { /* offline for a moment: the next turn tries again */ })
      .then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
})();

// A print button (the notice's): shown only where this script runs, since it needs it.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
