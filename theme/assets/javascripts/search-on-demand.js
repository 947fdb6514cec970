// Buyers' search (partials/search.html, generator/site/search.py). Nothing is fetched until the
// search is opened (its toggle, its field focused, or the "/" and "s" keys): then the index of the
// page's province, a few kilobytes, however large the site; the other provinces are a choice away.
// It searches on every input event, so text pasted or typed with a Chinese input method (which
// sends no key events) is searched too. A name that holds the words ranks before a village that
// only mentions them; each result shows its photo and price.
(function () {
  "use strict";
  var panel = document.querySelector("[data-sf-search]");
  if (!panel || !window.fetch) return;
  var input = panel.querySelector("[data-sf-search-input]");
  var list = panel.querySelector("[data-sf-search-results]");
  var meta = panel.querySelector("[data-sf-search-meta]");
  var scope = panel.querySelector("[data-sf-search-scope]");
  var toggle = document.getElementById("__search");
  var first = new URL(panel.getAttribute("data-sf-index"), location.href);
  var root = new URL("../", first); // every index is at search/<name>.json of the site
  var LIMIT = 20;
  var loaded = {};
  var index = null;
  var started = null;

  function load(url) {
    if (!loaded[url]) {
      loaded[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      });
    }
    return loaded[url];
  }

  function provinceUrl(slug) {
    return new URL("search/" + slug + ".json", root).href;
  }

  // The page's province, or (a page without one) the largest, named first in every index.
  function start() {
    if (!started) {
      started = load(first.href).then(function (data) {
        if (data.products) return use(data, first.href);
        var largest = provinceUrl(data.provinces[0][1]);
        return load(largest).then(function (found) { use(found, largest); });
      }, function () { started = null; });
    }
    return started;
  }

  function use(data, url) {
    index = data;
    var words = data.words;
    panel.querySelector("[data-sf-search-scope-label]").textContent = words["in"];
    panel.querySelector("[data-sf-search-scope-row]").hidden = false; // named now (axe: select-name)
    input.placeholder = words.type;
    if (!scope.options.length) {
      data.provinces.forEach(function (province) {
        scope.appendChild(new Option(province[0], province[1]));
      });
    }
    scope.value = url.replace(/^.*\/search\/([^/]+)\.json$/, "$1");
    run();
  }

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
    start();
  }

  // --- matching and ranking -----------------------------------------------------------------

  function fold(text) {
    return String(text || "").toLowerCase().replace(/\s+/g, "");
  }

  // How well `fields` (most telling first) hold every term: 0 when one term is nowhere.
  function score(terms, fields) {
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var best = 0;
      for (var f = 0; f < fields.length; f++) {
        var at = fold(fields[f][0]).indexOf(terms[t]);
        if (at >= 0) best = Math.max(best, fields[f][1] + (at === 0 ? 1 : 0));
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function search(query) {
    var terms = query.split(/\s+/).map(fold).filter(Boolean);
    if (!terms.length) return [];
    var villages = index.villages;
    var hits = [];
    index.products.forEach(function (p, n) {
      var v = villages[p[0]];
      var s = score(terms, [[p[2], 8], [v[1], 4], [p[5], 3], [v[2], 2]]);
      if (s) hits.push({ score: s, order: n, name: p[2], village: v[1], price: p[3], thumbnail: p[4],
        url: "villages/" + v[0] + "/products/" + p[1] + "/" });
    });
    villages.forEach(function (v, n) {
      var s = score(terms, [[v[1], 8], [v[2], 2], [v[3], 1]]);
      if (s) hits.push({ score: s, order: index.products.length + n, name: v[1], village: v[2], price: "",
        thumbnail: "", url: "villages/" + v[0] + "/", kind: "village" });
    });
    return hits.sort(function (a, b) {
      return b.score - a.score || a.name.length - b.name.length || a.order - b.order;
    });
  }

  // --- showing the results ------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // profile text, never markup
    return node;
  }

  function run() {
    if (!index) return;
    var query = input.value.trim();
    var words = index.words;
    list.textContent = "";
    if (!query) { meta.textContent = ""; return; }
    var hits = search(query);
    meta.textContent = hits.length
      ? words.count.replace("{n}", hits.length) + (hits.length > LIMIT ? " " + words.more.replace("{n}", LIMIT) : "")
      : words.none.replace("{q}", query);
    hits.slice(0, LIMIT).forEach(function (hit) {
      var item = element("li", "md-search-result__item");
      var link = element("a", "md-search-result__link sf-search__hit");
      link.href = new URL(hit.url, root).href;
      if (hit.thumbnail) {
        var image = element("img", "sf-search__thumb");
        image.src = new URL(hit.thumbnail, root).href;
        image.alt = "";
        image.width = image.height = 48;
        image.loading = "lazy";
        link.appendChild(image);
      } else {
        link.appendChild(element("span", "sf-search__thumb sf-search__thumb--blank", hit.kind ? words.village : ""));
      }
      var text = element("span", "sf-search__text");
      text.appendChild(element("strong", "sf-search__name", hit.name));
      text.appendChild(element("span", "sf-search__village", hit.village));
      if (hit.price) text.appendChild(element("span", "sf-search__price", hit.price));
      link.appendChild(text);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  // --- when it opens, and what it listens to ----------------------------------------------------

  if (toggle) toggle.addEventListener("change", function () {
    if (toggle.checked) { start(); input.focus(); }
  });
  input.addEventListener("focus", open);
  // Enter goes to the first result rather than sending the form to the page it is on.
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) first.click();
  });
  input.addEventListener("input", function () { start().then(run); });
  scope.addEventListener("change", function () {
    load(provinceUrl(scope.value)).then(function (data) { index = data; run(); });
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a") && toggle) toggle.checked = false;
  });
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (!typing && (event.key === "/" || event.key === "s") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
      input.focus();
    } else if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
      input.blur();
    }
  });
})();
