/* Khorasan Brief: the timeline, drawn on an axis of years.
 *
 * The timeline page lists every event as an <li> of <ol class="kb-timeline"> (data-start and
 * data-stop: its first and last possible days; data-kind: "point", "duration" or "unknown", somewhere in
 * the span; data-type, data-country, data-era, data-entities): that list is what screen readers, print and
 * readers without script get. This script draws the same events on an axis in <div class="kb-chrono">
 * (aria-hidden: the list is its accessible form), each placed by its partial date (a year alone spans
 * the year, a month the month), with the eras some events open drawn as bands behind them; zoom runs
 * from decades to months (buttons), and the axis scrolls sideways. The filter form (entity, type,
 * country) narrows list and chart alike and is kept in the address (?entity=&wide=&type=&country=).
 * "Wide" adds the events of the profiles linked to the chosen one, read from graph.json.
 *
 * A profile page's compact timeline is a <div class="kb-chrono kb-chrono--compact"> whose
 * data-events holds its events (JSON, URLs from the site root); it is drawn to fit its box, without
 * controls.
 *
 * data-ready on each chart is "true" once it is drawn for the current filter and zoom.
 */
(function () {
  "use strict";

  var kb = window.KhorasanBrief;
  // Names compared as search compares them (kb-names.js, loaded before this file).
  var nameKey = window.KhorasanNames ? window.KhorasanNames.nameKey : function (text) { return text.trim().toLowerCase(); };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SCALES = { years: 110, months: 1100 }; // px per year; "decades" fits the whole span in the box
  var LANE = 24; // px between two rows of events
  var GAP = 10; // px between an event's label and the next event in its row
  var EXTRA = 6 + 4; // px an event takes besides its mark and its text: the gap between them, the label's padding

  /* A day (YYYY-MM-DD) in years: where it starts, or (end) where it ends. */
  function at(day, end) {
    var parts = day.split("-").map(function (p) { return parseInt(p, 10); });
    var start = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    return fraction(end ? new Date(start.getTime() + 86400000) : start);
  }

  function fraction(date) {
    var year = date.getUTCFullYear();
    var first = Date.UTC(year, 0, 1);
    return year + (date.getTime() - first) / (Date.UTC(year + 1, 0, 1) - first);
  }

  function formatYear(value) { return String(Math.floor(value)); }

  /* ---- the chart ---------------------------------------------------------------------------- */

  /* An event's label: its name and date, "Killing of Akhtar Mansour (May 2016)". A name that already
     ends in a bracketed date of the same year ("Taliban takeover of Afghanistan (2021)", "... in
     southern Afghanistan (March 2024)") gives it up for the date, never "(2021) (August 2021)"
     (issue 26; generator/render/text.py dated() does the same for the pages). */
  function labelled(name, when) {
    var year = /\s*\((?:[^()]*\s)?(\d{4})\)$/.exec(name);
    if (year && when.indexOf(year[1]) >= 0) name = name.slice(0, year.index);
    return name + " (" + when + ")";
  }

  function Chart(box, events, controls) {
    this.box = box;
    this.events = events;
    this.controls = controls;
    this.compact = box.classList.contains("kb-chrono--compact");
    var starts = events.map(function (e) { return e.start; });
    var ends = events.map(function (e) { return e.end; });
    this.first = Math.floor(Math.min.apply(null, starts)) - 1;
    this.last = Math.ceil(Math.max.apply(null, ends)) + 1;
    this.scale = "decades";
    this.pxPerYear = 0;
    this.viewport = document.createElement("div");
    this.viewport.className = "kb-chrono-viewport";
    this.inner = document.createElement("div");
    this.inner.className = "kb-chrono-inner";
    this.viewport.appendChild(this.inner);
    box.appendChild(this.viewport);
    var self = this;
    if (controls) {
      controls.hidden = false;
      Array.prototype.forEach.call(controls.querySelectorAll("button"), function (button) {
        button.addEventListener("click", function () {
          if (button.dataset.scale) self.zoom(button.dataset.scale);
          else self.zoom(button.dataset.zoom === "in" ? self.pxPerYear * 2 : self.pxPerYear / 2);
        });
      });
    }
    window.addEventListener("resize", function () { if (self.scale === "decades") self.draw(); });
  }

  Chart.prototype.fitPx = function () {
    return Math.max(4, (this.viewport.clientWidth - 4) / (this.last - this.first));
  };

  /* Zoom to a named scale or a number of px per year, keeping the middle of the view where it is; but
     from the whole span (nothing to keep), or where the view would hold no event shown, it opens on
     the stretch that holds the most events shown (after a filter, those of the filter): "Years" and
     "Months" never open on an empty stretch (issue 26). */
  Chart.prototype.zoom = function (scale) {
    var wasWhole = this.scale === "decades";
    var middle = (this.viewport.scrollLeft + this.viewport.clientWidth / 2) / (this.pxPerYear || 1) + this.first;
    if (typeof scale === "number") {
      var fit = this.fitPx();
      scale = Math.min(Math.max(scale, fit), SCALES.months * 4);
      this.scale = scale <= fit ? "decades" : scale;
    } else {
      this.scale = scale;
    }
    this.draw();
    var span = this.viewport.clientWidth / this.pxPerYear;
    if (this.scale !== "decades" && (wasWhole || !this.countIn(middle - span / 2, middle + span / 2))) {
      var from = this.busiest(span);
      if (from !== null) middle = from + span / 2;
    }
    this.viewport.scrollLeft = Math.max(0, (middle - this.first) * this.pxPerYear - this.viewport.clientWidth / 2);
  };

  /* Redraw for a new filter: a zoomed view that now holds no event shown moves to where they are. */
  Chart.prototype.refocus = function () {
    this.draw();
    if (this.scale === "decades") return;
    var span = this.viewport.clientWidth / this.pxPerYear;
    var from = this.viewport.scrollLeft / this.pxPerYear + this.first;
    if (this.countIn(from, from + span)) return;
    var busiest = this.busiest(span);
    if (busiest !== null) this.viewport.scrollLeft = Math.max(0, (busiest - this.first) * this.pxPerYear);
  };

  Chart.prototype.starts = function () {
    return this.events.filter(function (e) { return !e.hidden; }).map(function (e) { return e.start; }).sort(function (a, b) { return a - b; });
  };

  Chart.prototype.countIn = function (from, to) {
    return this.starts().filter(function (start) { return start >= from && start <= to; }).length;
  };

  /* Where a view ``span`` years wide holds the most events shown: its first year, a little before the
     first of them (null when none is shown). Two pointers over the sorted starts; a tie goes to the
     later stretch, the more recent events. */
  Chart.prototype.busiest = function (span) {
    var starts = this.starts();
    if (!starts.length) return null;
    var best = 0, bestAt = starts[0], j = 0;
    for (var i = 0; i < starts.length; i += 1) {
      while (starts[i] - starts[j] > span * 0.9) j += 1;
      if (i - j + 1 >= best) { best = i - j + 1; bestAt = starts[j]; }
    }
    return bestAt - span * 0.05;
  };

  Chart.prototype.x = function (year) { return (year - this.first) * this.pxPerYear; };

  Chart.prototype.draw = function () {
    var self = this;
    this.box.dataset.ready = "false";
    var px = this.pxPerYear = typeof this.scale === "number" ? this.scale
      : this.scale === "decades" ? this.fitPx() : SCALES[this.scale];
    if (this.controls) {
      Array.prototype.forEach.call(this.controls.querySelectorAll("[data-scale]"), function (b) {
        b.setAttribute("aria-pressed", String(b.dataset.scale === self.scale));
      });
    }
    var inner = this.inner;
    while (inner.firstChild) inner.removeChild(inner.firstChild);
    var width = Math.ceil((this.last - this.first) * px);
    inner.style.width = width + "px";
    var shown = this.events.filter(function (e) { return !e.hidden; });
    this.eras(shown);
    this.axis(px);
    var placed = this.place(shown);
    var height = 36 + Math.max(1, placed.rows) * LANE + 8;
    inner.style.height = height + "px";
    // Room for the labels of the last events, past the end of the axis.
    if (placed.right > width) inner.style.width = Math.ceil(placed.right + 8) + "px";
    this.box.dataset.ready = "true";
  };

  Chart.prototype.axis = function (px) {
    var step = px < 14 ? 10 : px < 40 ? 5 : px < 400 ? 1 : 1 / 12;
    var start = Math.ceil(this.first / step) * step;
    for (var t = start; t <= this.last + 1e-9; t += step) {
      var at = Math.round(t * 12) / 12;
      var tick = document.createElement("span");
      var month = Math.round((at - Math.floor(at)) * 12);
      var major = step < 1 ? month === 0 : true;
      tick.className = "kb-chrono-tick" + (major ? " kb-chrono-tick--major" : "");
      tick.style.left = Math.round(this.x(at)) + "px";
      tick.textContent = step < 1 ? (month === 0 ? formatYear(at) : MONTHS[month]) : formatYear(at);
      this.inner.appendChild(tick);
    }
  };

  /* Bands for the eras the shown events open: to their end date, else to the next era, else the end. */
  Chart.prototype.eras = function (shown) {
    var eras = this.events.filter(function (e) { return e.era; }).sort(function (a, b) { return a.start - b.start; });
    var self = this;
    eras.forEach(function (event, i) {
      var end = event.endDate ? event.end : i + 1 < eras.length ? eras[i + 1].start : self.last;
      var band = document.createElement("div");
      band.className = "kb-chrono-era";
      band.style.left = Math.round(self.x(event.start)) + "px";
      band.style.width = Math.max(2, Math.round(self.x(end) - self.x(event.start))) + "px";
      var label = document.createElement("span");
      label.textContent = event.era;
      band.appendChild(label);
      self.inner.appendChild(band);
    });
  };

  /* Each event in the first row where it and its label fit; returns the number of rows and where
     the rightmost label ends. */
  Chart.prototype.place = function (shown) {
    var self = this;
    var rows = [];
    var measure = this.measurer();
    var limit = Math.max(this.x(this.last), this.viewport.clientWidth);
    shown.slice().sort(function (a, b) { return a.start - b.start || a.end - b.end; }).forEach(function (event) {
      var left = self.x(event.start);
      var bar = Math.max(8, self.x(event.end) - left);
      var full = labelled(event.name, event.when);
      var text = full;
      var total = bar + EXTRA + measure(text);
      // A label that would run past the end of the axis goes on the left of its mark instead.
      var flip = left + total > limit && left + bar - total >= 0;
      if (left + total > limit && !flip) {
        // No room either way (a narrow screen): the side with more room, and a shorter label that
        // fits it in whole words (the name without its date, else its first words and "…"); the
        // full label is the title, and the list below the chart has it too.
        var right = limit - left - bar - EXTRA, before = left - EXTRA;
        flip = before > right;
        text = shortened(full, flip ? before : right, measure);
        total = bar + EXTRA + measure(text);
      }
      var from = flip ? left + bar - total : left;
      var row = 0;
      while (row < rows.length && rows[row] > from - GAP) row += 1;
      rows[row] = from + total;
      var item = document.createElement("a");
      // An event known only to the year or month, or lasting a while, is drawn across that time as a
      // bar once the zoom makes that visible; one the sources place somewhere in a span, as a dashed
      // outline over the span.
      var wide = event.stop - event.start > 1.5 / 365 && bar >= 16;
      item.className = "kb-chrono-event" + (event.kind === "unknown" ? " kb-chrono-event--unknown" : wide ? " kb-chrono-event--span" : "") +
        (flip ? " kb-chrono-event--flip" : "");
      item.href = event.url;
      item.tabIndex = -1; // the list below is the keyboard's and the screen reader's way in
      item.style.left = Math.round(from) + "px";
      item.style.top = (36 + row * LANE) + "px";
      var mark = document.createElement("span");
      mark.className = "kb-chrono-mark";
      mark.style.width = Math.round(bar) + "px";
      var label = document.createElement("span");
      label.className = "kb-chrono-label";
      label.textContent = text;
      label.title = full;
      item.appendChild(mark);
      item.appendChild(label);
      self.inner.appendChild(item);
      if (flip) item.style.left = Math.round(left + bar - item.offsetWidth) + "px"; // the mark ends where the event does
    });
    return { rows: rows.length, right: Math.max.apply(null, rows.concat([0])) };
  };

  /* A label within `room` px, never cut inside a word (issue 26: "Foundin…" at 390 px): the whole
     label, else the name without its date, else as many of the name's first words as fit, with "…"
     (at least the first word): always the label's first words. */
  function shortened(full, room, measure) {
    if (measure(full) <= room) return full;
    var name = full.slice(0, full.lastIndexOf(" ("));
    if (measure(name) <= room) return name;
    var words = name.split(" ");
    var count = 1;
    while (count < words.length - 1 && measure(words.slice(0, count + 1).join(" ") + "\u2026") <= room) count += 1;
    var kept = words.slice(0, count);
    var open = kept.map(function (w) { return w.charAt(0) === "(" && w.indexOf(")") < 0; }).lastIndexOf(true);
    if (open > 0) kept = kept.slice(0, open); // not "… (March…": a bracket is kept closed or left out
    return kept.join(" ").replace(/[,;:]$/, "") + "\u2026";
  }

  Chart.prototype.measurer = function () {
    var canvas = document.createElement("canvas").getContext("2d");
    var probe = document.createElement("span");
    probe.className = "kb-chrono-label";
    this.inner.appendChild(probe);
    var style = getComputedStyle(probe);
    canvas.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
    this.inner.removeChild(probe);
    return function (text) { return canvas.measureText(text).width; };
  };

  /* ---- the page's list and filter ----------------------------------------------------------- */

  function eventOf(id, name, url, placed, era, when) {
    var start = at(placed.start, false);
    var stop = at(placed.stop, true);
    return { id: id, name: name, url: url, start: start, end: stop, stop: stop, kind: placed.kind,
             endDate: placed.kind === "duration", era: era || "", when: when, hidden: false };
  }

  function fromList(list) {
    return Array.prototype.map.call(list.querySelectorAll(".kb-timeline-item"), function (item) {
      var link = item.querySelector("strong a") || item.querySelector("a");
      var when = item.querySelector("time, .kb-date-uncertain");
      var event = eventOf(item.id.replace(/^event-/, ""), link.textContent, link.href, item.dataset, item.dataset.era,
        when ? when.textContent : "");
      event.item = item;
      event.entities = (item.dataset.entities || "").split(" ");
      event.type = item.dataset.type || "";
      event.country = item.dataset.country || "";
      return event;
    });
  }

  function Filter(form, events, chart) {
    this.form = form;
    this.events = events;
    this.chart = chart;
    this.nameOf = {};
    var self = this;
    var profiles = [];
    Array.prototype.forEach.call(form.querySelectorAll("datalist option"), function (option) {
      self.nameOf[option.dataset.id] = option.value;
      profiles.push({ id: option.dataset.id, names: [option.value].concat((option.dataset.names || "").split("|")) });
    });
    // A name, an alias or another spelling of one ("ISKP", "Khurasan") selects its profile, as in search.
    this.find = window.KhorasanNames.finder(profiles);
    this.output = form.querySelector("output");
    var query = new URLSearchParams(window.location.search);
    var entity = query.get("entity");
    if (entity && this.nameOf[entity]) form.elements.entity.value = this.nameOf[entity];
    form.elements.wide.checked = query.get("wide") === "1";
    ["type", "country"].forEach(function (name) {
      var value = query.get(name);
      if (value !== null) form.elements[name].value = value;
    });
    form.addEventListener("input", function () { self.apply(true); });
    form.addEventListener("change", function () { self.apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(function () { self.apply(true); }, 0); });
    form.hidden = false;
  }

  Filter.prototype.apply = function (remember) {
    var self = this;
    var form = this.form;
    var id = this.find(form.elements.entity.value);
    var wide = form.elements.wide.checked;
    var type = form.elements.type.value;
    var country = form.elements.country.value;
    var near = wide && id ? kb.loadGraph().then(function (graph) {
      var set = {};
      set[id] = true;
      graph.edges.forEach(function (e) {
        if (e.source === id) set[e.target] = true;
        if (e.target === id) set[e.source] = true;
      });
      return set;
    }).catch(function () { var set = {}; set[id] = true; return set; }) : Promise.resolve(id ? [id].reduce(function (s, i) { s[i] = true; return s; }, {}) : null);
    if (this.chart) this.chart.box.dataset.ready = "false";
    var asked = this.asked = {};
    near.then(function (ids) {
      if (self.asked !== asked) return; // a newer choice came meanwhile
      var shown = 0;
      self.events.forEach(function (event) {
        var match = (!ids || event.entities.some(function (e) { return ids[e]; })) &&
          (!type || event.type === type) && (!country || event.country === country);
        event.hidden = !match;
        event.item.hidden = !match;
        if (match) shown += 1;
      });
      var total = self.events.length;
      var noun = function (n) { return n === 1 ? " event" : " events"; };
      var text = shown === total ? "All " + total + noun(total) : shown + " of " + total + noun(total);
      var typed = form.elements.entity.value.trim();
      if (typed && !id) text = "No profile is called \u201c" + typed + "\u201d; " + text.charAt(0).toLowerCase() + text.slice(1);
      // An alias or another spelling: say which profile it was taken as.
      var key = window.KhorasanNames.nameKey;
      if (id && key(typed) !== key(self.nameOf[id])) text += " (\u201c" + typed + "\u201d taken as " + self.nameOf[id] + ")";
      if (id && !shown && !wide) text += "; none is linked to " + self.nameOf[id] + " directly: tick the box to add the events of the profiles linked to it";
      self.output.textContent = text;
      if (self.chart) self.chart.refocus();
      if (remember) {
        window.KhorasanBrief.remember({ entity: id, wide: wide && id ? "1" : "", type: type, country: country });
      }
    });
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".kb-chrono"), function (box) {
      var list = box.dataset.list && document.getElementById(box.dataset.list);
      var events;
      if (list) {
        events = fromList(list);
      } else {
        events = JSON.parse(box.dataset.events || "[]").map(function (e) {
          return eventOf(e.id, e.name, new URL(e.url, kb.graphUrl).href, e, "", e.when);
        });
      }
      if (!events.length) return;
      var controls = box.previousElementSibling && box.previousElementSibling.classList.contains("kb-chrono-controls")
        ? box.previousElementSibling : null;
      var chart = new Chart(box, events, controls);
      var form = document.getElementById("kb-timeline-filter");
      if (list && form) new Filter(form, events, chart).apply(false);
      else chart.draw();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
