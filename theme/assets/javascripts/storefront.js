// Home page filters. Without JavaScript the filter tags are plain links to the region and category
// pages; with it they toggle which village cards show, and several can combine.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".sf-cards > .sf-card"));
  var tags = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  if (!cards.length || !tags.length) return;
  var chosen = { province: null, category: null };

  function matches(card) {
    var province = !chosen.province || card.dataset.province === chosen.province;
    var category = !chosen.category || card.dataset.categories.split(" ").indexOf(chosen.category) >= 0;
    return province && category;
  }

  function apply() {
    cards.forEach(function (card) { card.hidden = !matches(card); });
    tags.forEach(function (tag) {
      tag.setAttribute("aria-pressed", String(chosen[tag.dataset.filter] === tag.dataset.value));
    });
  }

  tags.forEach(function (tag) {
    tag.setAttribute("role", "button");
    tag.setAttribute("aria-pressed", "false");
    tag.addEventListener("click", function (event) {
      event.preventDefault();
      var kind = tag.dataset.filter;
      chosen[kind] = chosen[kind] === tag.dataset.value ? null : tag.dataset.value;
      apply();
    });
  });
})();
