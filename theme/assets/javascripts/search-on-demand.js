// Material fetches the whole search index (search/search_index.json, which grows with every village)
// on every page's first load. Most buyers never search, on slow rural 4G: the request is held back
// until the search is opened (its toggle, its field focused, or Material's s / f / "/" keys), then
// sent as Material asked for it. Loaded before Material's bundle, which asks with XMLHttpRequest.
(function () {
  "use strict";
  var Request = window.XMLHttpRequest;
  if (!Request) return;
  var open;
  var opened = new Promise(function (resolve) { open = resolve; });
  var INDEX = /search\/search_index\.json(\?|$)/;

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) open();
  }, true);
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.closest && event.target.closest(".md-search")) open();
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "s" || event.key === "f" || event.key === "/") open();
  }, true);

  // Material reads the query on keyup; text from a Chinese input method or pasted comes with no
  // key event, so it would never be searched: each such change gets a keyup of its own.
  document.addEventListener("input", function (event) {
    if (event.target && event.target.matches && event.target.matches(".md-search__input")) {
      event.target.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
  }, true);

  var realOpen = Request.prototype.open;
  var realSend = Request.prototype.send;
  Request.prototype.open = function (method, address) {
    this.sfDeferred = INDEX.test(String(address));
    return realOpen.apply(this, arguments);
  };
  Request.prototype.send = function () {
    if (!this.sfDeferred) return realSend.apply(this, arguments);
    var request = this, body = arguments;
    opened.then(function () { realSend.apply(request, body); });
  };
})();
