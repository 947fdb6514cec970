// Live schedule by the viewer's clock. As built, a schedule lists every session in village time,
// grouped by the village's day on the day of the build. This script, with nothing but the
// browser's Intl.DateTimeFormat, keeps a page built days ago right for whoever reads it:
//  - each session is marked live now / upcoming / past by the viewer's clock;
//  - its start and end appear in the viewer's time zone beside the village's, when they differ;
//  - the schedule is regrouped by the viewer's today / this week / later / past;
//  - a countdown runs to the next session, or names the session that is live now.
// It runs again on every second. Profile text is only ever moved or copied as text, never as HTML.
(function () {
  "use strict";
  var sessions = Array.prototype.slice.call(document.querySelectorAll(".sf-session[data-start]"));
  if (!sessions.length) return;
  var lang = document.documentElement.lang || "zh";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var root = document.querySelector("[data-sf-schedule]");
  var words = document.querySelector("[data-sf-labels]");
  var labels = words ? JSON.parse(words.getAttribute("data-sf-labels")) : {};
  var ORDER = ["today", "week", "later", "past"];
  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  var partsFormat = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });
  var startFormat = new Intl.DateTimeFormat(lang, {
    timeZone: zone, month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
  });
  var endFormat = new Intl.DateTimeFormat(lang, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var dayFormat = new Intl.DateTimeFormat(lang, { timeZone: "UTC", year: "numeric", month: "long", day: "numeric", weekday: "short" });

  // The wall clock of an instant in a zone: {day: "2026-12-04", time: "19:30", weekday: 0..6 from Monday}.
  function wall(ms, timeZone) {
    var format = timeZone === zone ? partsFormat : new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
    var p = {};
    format.formatToParts(new Date(ms)).forEach(function (part) { p[part.type] = part.value; });
    return { day: p.year + "-" + p.month + "-" + p.day, time: p.hour + ":" + p.minute, weekday: WEEKDAYS.indexOf(p.weekday) };
  }

  function addDays(day, n) {
    var d = day.split("-").map(Number);
    return new Date(Date.UTC(d[0], d[1] - 1, d[2] + n)).toISOString().slice(0, 10);
  }

  function dayLabel(day) {
    var d = day.split("-").map(Number);
    return dayFormat.format(new Date(Date.UTC(d[0], d[1] - 1, d[2], 12)));
  }

  var items = sessions.map(function (el) {
    // A series is one element: data-starts lists its starts on the page as "start/end" pairs, and
    // the one it stands for is the first that has not ended by the viewer's clock (see current()).
    var pairs = (el.getAttribute("data-starts") || "").split(" ").filter(Boolean).map(function (pair) {
      var two = pair.split("/");
      return { start: Date.parse(two[0]), end: Date.parse(two[1]), at: two[0] };
    });
    var item = {
      el: el, id: el.id, start: Date.parse(el.getAttribute("data-start")), end: Date.parse(el.getAttribute("data-end")),
      pairs: pairs, built: Date.parse(el.getAttribute("data-start")),
      title: (el.querySelector(".sf-session__title strong") || el).textContent.replace(/\s+/g, " ").trim()
    };
    current(item, Date.now());
    item.day = wall(item.start, zone).day;
    var village = wall(item.start, el.getAttribute("data-zone"));
    var local = el.querySelector("[data-sf-local]");
    var mine = wall(item.start, zone);
    if (local && (village.day !== mine.day || village.time !== mine.time)) {
      local.textContent = (labels.yours || "") + ": " + startFormat.format(new Date(item.start)) + "–" +
        endFormat.format(new Date(item.end)) + " (" + zone + ")";
      local.hidden = false;
    }
    return item;
  });

  // The start a series stands for at `now`: its first that has not ended, else its last.
  function current(item, now) {
    if (!item.pairs.length) return;
    var found = item.pairs.filter(function (p) { return p.end > now; })[0] || item.pairs[item.pairs.length - 1];
    item.start = found.start;
    item.end = found.end;
    item.day = wall(item.start, zone).day;
    var shown = item.el.querySelector("[data-sf-next-start]");
    if (!shown || item.start === item.built) return;
    // The highlight moves on to the start the series now stands for, written as the build wrote it
    // in the line of next dates (and that date leaves the line), with the series' own clock.
    var clock = shown.textContent.trim().split(" ").pop();
    var dates = item.el.querySelectorAll(".sf-session__dates time");
    var date = null;
    Array.prototype.forEach.call(dates, function (time) {
      var passed = Date.parse(time.getAttribute("datetime")) <= item.start;
      if (time.getAttribute("datetime") === found.at) date = time.textContent;
      time.parentNode.hidden = passed;  // its span, with the comma after it
    });
    shown.textContent = (date || villageDay(item.start, item.el.getAttribute("data-zone"))) + " " + clock;
    shown.setAttribute("datetime", found.at);
    item.built = item.start;
  }

  function villageDay(ms, timeZone) {
    return new Intl.DateTimeFormat(lang, { timeZone: timeZone, month: "long", day: "numeric", weekday: "short" })
      .format(new Date(ms));
  }

  function stateOf(item, now) {
    return now < item.start ? "upcoming" : now < item.end ? "live" : "past";
  }

  function groupOf(item, state, today, weekEnd) {
    if (state === "past") return "past";
    if (state === "live" || item.day <= today) return "today";
    return item.day <= weekEnd ? "week" : "later";
  }

  function regroup(assigned) {
    var container = root.querySelector("[data-sf-groups]");
    var fragment = document.createDocumentFragment();
    ORDER.forEach(function (group) {
      var members = assigned.filter(function (a) { return a.group === group; });
      if (!members.length) return;
      var past = group === "past";
      members.sort(function (a, b) { return past ? b.item.start - a.item.start : a.item.start - b.item.start; });
      var section = document.createElement("section");
      section.className = "sf-schedule__group";
      section.setAttribute("data-group", group);
      var heading = document.createElement("h2");
      heading.textContent = labels[group];
      section.appendChild(heading);
      var list = null, day = null;
      members.forEach(function (a) {
        if (a.item.day !== day) {
          day = a.item.day;
          var title = document.createElement("h3");
          title.className = "sf-day";
          title.textContent = dayLabel(day);
          list = document.createElement("ul");
          list.className = "sf-sessions";
          section.appendChild(title);
          section.appendChild(list);
        }
        list.appendChild(a.item.el);
      });
      fragment.appendChild(section);
    });
    container.replaceChildren(fragment);
  }

  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var parts = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [Math.floor(s / 60) % 60, "m"], [s % 60, "s"]];
    while (parts.length > 1 && parts[0][0] === 0) parts.shift();
    var sep = lang.indexOf("zh") === 0 ? "" : " ";
    return parts.map(function (p) { return p[0] + sep + labels[p[1]]; }).join(" ");
  }

  function countdown(now) {
    var box = root.querySelector("[data-sf-next]");
    var live = items.filter(function (i) { return i.state === "live"; });
    var next = items.filter(function (i) { return i.state === "upcoming"; })
      .sort(function (a, b) { return a.start - b.start; })[0];
    var item = live[0] || next;
    if (!item) { box.hidden = true; return; }
    box.replaceChildren();
    var lead = document.createElement("strong");
    lead.textContent = live[0] ? labels.now : labels.next;
    var link = document.createElement("a");
    link.href = "#" + item.id;
    link.textContent = item.title;
    box.appendChild(lead);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(link);
    if (!live[0]) {
      var time = document.createElement("span");
      time.className = "sf-next__countdown";
      time.setAttribute("data-sf-countdown", String(item.start - now));
      time.textContent = labels.in + " " + duration(item.start - now);
      box.appendChild(document.createTextNode(" · "));
      box.appendChild(time);
    }
    box.setAttribute("data-state", live[0] ? "live" : "upcoming");
    box.hidden = false;
  }

  var signature = null;
  function update() {
    var now = Date.now();
    var today = wall(now, zone);
    var weekEnd = addDays(today.day, 6 - today.weekday);
    var assigned = items.map(function (item) {
      current(item, now);
      item.state = stateOf(item, now);
      item.el.setAttribute("data-state", item.state);
      var badge = item.el.querySelector("[data-sf-state]");
      // 即将开始 only within a day of the start; before that a session is 预告.
      var soon = item.state === "upcoming" && item.start - now <= 86400000;
      if (badge) badge.textContent = { live: labels.live, upcoming: soon ? labels.soon : labels.preview, past: labels.past }[item.state] || "";
      return { item: item, group: groupOf(item, item.state, today.day, weekEnd) };
    });
    if (!root) return;
    var next = assigned.map(function (a) { return a.item.id + ":" + a.group; }).join(" ");
    if (next !== signature) {
      signature = next;
      regroup(assigned.filter(function (a) { return root.contains(a.item.el); }));
    }
    countdown(now);
  }

  // Tick on the clock's whole seconds, so the countdown's seconds turn with the viewer's clock.
  function tick() {
    update();
    window.setTimeout(tick, 1000 - (Date.now() % 1000));
  }
  tick();
})();
