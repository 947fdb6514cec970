// Wide tables. Material wraps each table in a horizontally scrolling box, which a keyboard cannot
// reach (axe: scrollable-region-focusable). A box that really scrolls becomes a named region in
// the tab order, as Material does for long code blocks; one that fits stays out of it. Material
// wraps tables after this script has run, so the boxes are looked at on each of its page loads
// (document$), and again when the window's width changes what overflows.
(function () {
  "use strict";
  function heading(box) {
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName) && node.id) return node;
    }
    return null;
  }

  function unmark(box) {
    ["tabindex", "role", "aria-label"].forEach(function (name) { box.removeAttribute(name); });
  }

  // Each region needs a name of its own: the heading above it, numbered when a heading has several.
  function mark() {
    var byTitle = new Map();
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth) return unmark(box);
      var title = heading(box);
      var text = title ? title.textContent.trim() : document.title;
      if (!byTitle.has(text)) byTitle.set(text, []);
      byTitle.get(text).push(box);
    });
    byTitle.forEach(function (boxes, text) {
      boxes.forEach(function (box, i) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", boxes.length > 1 ? text + " (" + (i + 1) + ")" : text);
      });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(mark);
  else document.addEventListener("DOMContentLoaded", mark);
  var waiting = null;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(mark, 150);
  });
})();

// The product gallery (product.html). Without this script a thumbnail is a link to its photo and
// the browser scrolls the row to it, moving the page too. With it, a thumbnail scrolls only the
// row, and the thumbnail of the photo in view (after a swipe as well) is marked aria-current.
(function () {
  "use strict";
  function setUp(gallery) {
    var track = gallery.querySelector(".sf-gallery__track");
    var links = Array.prototype.slice.call(gallery.querySelectorAll(".sf-gallery__thumbs a"));
    if (!track || !links.length || gallery.hasAttribute("data-sf-ready")) return;
    gallery.setAttribute("data-sf-ready", "");
    function mark(index) {
      links.forEach(function (link, i) {
        if (i === index) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      });
    }
    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        var slide = document.getElementById(link.hash.slice(1));
        if (!slide) return;
        event.preventDefault();
        track.scrollTo({ left: slide.offsetLeft });
        mark(i);
      });
    });
    var waiting = null;
    track.addEventListener("scroll", function () {
      clearTimeout(waiting);
      waiting = setTimeout(function () {
        mark(Math.round(track.scrollLeft / Math.max(1, track.clientWidth)));
      }, 80);
    });
  }
  function all() { document.querySelectorAll("[data-sf-gallery]").forEach(setUp); }
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(all);
  else document.addEventListener("DOMContentLoaded", all);
})();
