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
