// While an editor types a claim, list existing claims that look the same, so a repeat is
// linked rather than checked again. Without JavaScript the list appears after saving.
"use strict";
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var text = document.getElementById("id_text");
    var list = document.getElementById("similar-claims");
    if (!text || !list) { return; }
    var empty = document.getElementById("similar-claims-empty");
    var exclude = (location.pathname.match(/\/(\d+)\/change\/$/) || [])[1] || "";
    var timer = null;
    function render(results) {
      list.textContent = "";
      results.forEach(function (claim) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = claim.url;
        link.textContent = claim.text;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" — " + claim.claimant + (claim.rating ? " (" + claim.rating + ")" : "")));
        list.appendChild(item);
      });
      if (empty) { empty.hidden = results.length > 0; }
    }
    function lookup() {
      var value = text.value.trim();
      if (value.length < 12) { return; }
      var url = list.dataset.url + "?text=" + encodeURIComponent(value) + "&exclude=" + exclude;
      fetch(url, {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { render(data.results); })
        .catch(function () {});
    }
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 400);
    });
  });
})();
