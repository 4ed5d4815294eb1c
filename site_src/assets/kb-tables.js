/* Khorasan Brief: the index pages' tables, sortable and filterable.
 *
 * A table inside <div class="kb-index"> gets: a button in each column heading that sorts by that
 * column (again: the other way; aria-sort says which), a text box that keeps the rows any of whose
 * names or aliases contains what is typed, a list for each facet the page names in data-facets
 * (values read from the rows' data-<key>, "|" between several), and a "from"/"to" pair of years
 * when data-range is set (a row matches when its years, data-from to data-to, meet the range).
 * The whole state lives in the address (?q=&type=&from=&to=&sort=&order=), so a filtered view can be
 * shared and survives a reload. Without this script the full table is there, in its first order.
 *
 * Our own few hundred lines rather than a table library: the pages already hold the rows as HTML
 * (which is what must work without script), the libraries that enhance such a table (List.js,
 * simple-datatables, Tablesort) each cover sorting or filtering but not both with facets, year ranges
 * and the state in the address, and each would be one more vendored file to keep up to date.
 */
(function () {
  "use strict";

  /* "IS-K", "is k" and "Is-K" read alike; so do "Shahab al-Muhajir" and "shahab al muhajir". */
  var key = window.KhorasanNames.nameKey;
  /* "Khurasan" finds "Wilayat Khorasan", "Mansoor" "Akhtar Mansour": the spelling rules of search
     (generator/model/spelling.py, through kb-names.js). */
  var spelled = window.KhorasanNames.spellingKey;

  function Index(box, number) {
    this.box = box;
    this.table = box.querySelector("table");
    this.body = this.table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows);
    this.rows.forEach(function (row, i) {
      row.kbOrder = i;
      row.kbNames = (row.dataset.names || "").split("|").map(key);
      row.kbSpellings = (row.dataset.names || "").split("|").map(spelled);
    });
    this.headers = Array.prototype.slice.call(this.table.tHead.rows[0].cells);
    this.facets = JSON.parse(box.dataset.facets || "[]");
    this.prefix = number ? "t" + number + "-" : "";
    this.sortColumn = -1;
    this.descending = false;
    this.form = this.build();
    this.sortButtons();
    this.read(new URLSearchParams(window.location.search));
    this.apply(false);
  }

  Index.prototype.id = function (name) { return "kb-" + this.box.dataset.kind + "-" + name; };

  Index.prototype.build = function () {
    var self = this;
    var form = document.createElement("form");
    form.className = "kb-filter kb-index-filter";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Filter the table");
    var row = document.createElement("div");
    row.className = "kb-filter-row";
    var text = document.createElement("input");
    text.type = "search";
    text.id = this.id("q");
    text.name = "q";
    text.autocomplete = "off";
    row.appendChild(field(label(text.id, "Name or alias"), text));
    this.facets.forEach(function (facet) {
      var select = document.createElement("select");
      select.id = self.id(facet.key);
      select.name = facet.key;
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "any";
      select.appendChild(any);
      var counts = {};
      self.rows.forEach(function (r) {
        (r.dataset[facet.key] || "").split("|").forEach(function (v) { if (v) counts[v] = (counts[v] || 0) + 1; });
      });
      Object.keys(counts).sort(function (a, b) { return a.localeCompare(b); }).forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + " (" + counts[value] + ")";
        select.appendChild(option);
      });
      row.appendChild(field(label(select.id, facet.label), select));
    });
    if (this.box.dataset.range) {
      var years = [];
      this.rows.forEach(function (r) {
        [r.dataset.from, r.dataset.to].forEach(function (y) { if (y) years.push(parseInt(y, 10)); });
      });
      ["from", "to"].forEach(function (end) {
        var input = document.createElement("input");
        input.type = "number";
        input.id = self.id(end);
        input.name = end;
        input.inputMode = "numeric";
        if (years.length) { input.min = Math.min.apply(null, years); input.max = Math.max.apply(null, years); }
        input.placeholder = end === "from" ? input.min || "" : input.max || "";
        row.appendChild(field(label(input.id, end === "from" ? self.box.dataset.range + ", from" : "to"), input));
      });
    }
    var clear = document.createElement("button");
    clear.type = "reset";
    clear.textContent = "Clear filters";
    row.appendChild(clear);
    form.appendChild(row);
    var output = document.createElement("output");
    output.setAttribute("aria-live", "polite");
    form.appendChild(output);
    this.output = output;
    form.addEventListener("input", function () { self.apply(true); });
    form.addEventListener("change", function () { self.apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(function () { self.sortColumn = -1; self.apply(true); }, 0); });
    this.box.insertBefore(form, this.box.firstChild);
    return form;
  };

  /* A label and its control, kept together when the row wraps. */
  function field(labelElement, control) {
    var span = document.createElement("span");
    span.className = "kb-field";
    span.appendChild(labelElement);
    span.appendChild(control);
    return span;
  }

  function label(target, text) {
    var element = document.createElement("label");
    element.htmlFor = target;
    element.textContent = text;
    return element;
  }

  Index.prototype.sortButtons = function () {
    var self = this;
    this.headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      var mark = document.createElement("span");
      mark.className = "kb-sort-mark";
      mark.setAttribute("aria-hidden", "true");
      button.appendChild(mark);
      th.appendChild(button);
      button.addEventListener("click", function () {
        if (self.sortColumn === column) self.descending = !self.descending;
        else { self.sortColumn = column; self.descending = false; }
        self.apply(true);
      });
    });
  };

  Index.prototype.read = function (query) {
    var self = this;
    Array.prototype.forEach.call(this.form.elements, function (field) {
      if (!field.name) return;
      var value = query.get(self.prefix + field.name);
      if (value !== null) field.value = value;
    });
    var sort = query.get(this.prefix + "sort");
    if (sort !== null) {
      var names = this.headers.map(function (th) { return key(th.textContent); });
      this.sortColumn = names.indexOf(key(sort));
      this.descending = query.get(this.prefix + "order") === "desc";
    }
  };

  Index.prototype.apply = function (remember) {
    var self = this;
    var values = {};
    Array.prototype.forEach.call(this.form.elements, function (field) { if (field.name) values[field.name] = field.value.trim(); });
    var words = key(values.q || "");
    var spelling = spelled(values.q || "");
    var from = parseInt(values.from, 10);
    var to = parseInt(values.to, 10);
    var shown = 0;
    this.rows.forEach(function (row) {
      var match = !words || row.kbNames.some(function (name) { return name.indexOf(words) >= 0; }) ||
        (spelling !== "" && row.kbSpellings.some(function (name) { return name.indexOf(spelling) >= 0; }));
      self.facets.forEach(function (facet) {
        var wanted = values[facet.key];
        if (match && wanted) match = (row.dataset[facet.key] || "").split("|").indexOf(wanted) >= 0;
      });
      if (match && (!isNaN(from) || !isNaN(to))) {
        var start = parseInt(row.dataset.from, 10);
        var end = parseInt(row.dataset.to, 10);
        if (isNaN(start) && isNaN(end)) match = false;
        else {
          // Open-ended: a group founded in 2015 and not dissolved is active in any later year.
          if (isNaN(start)) start = -Infinity;
          if (isNaN(end)) end = Infinity;
          if (!isNaN(from) && end < from) match = false;
          if (!isNaN(to) && start > to) match = false;
        }
      }
      row.hidden = !match;
      if (match) shown += 1;
    });
    this.sort();
    var noun = { groups: ["group", "groups"], people: ["person", "people"], events: ["event", "events"], sources: ["source", "sources"] }[this.box.dataset.kind] || ["row", "rows"];
    this.output.textContent = shown === this.rows.length
      ? "All " + shown + " " + noun[shown === 1 ? 0 : 1]
      : shown + " of " + this.rows.length + " " + noun[1];
    if (remember) {
      var state = {};
      Object.keys(values).forEach(function (name) { state[self.prefix + name] = values[name]; });
      var sorted = this.sortColumn >= 0;
      state[this.prefix + "sort"] = sorted ? key(this.headers[this.sortColumn].textContent).replace(/ /g, "-") : "";
      state[this.prefix + "order"] = sorted && this.descending ? "desc" : "";
      window.KhorasanBrief.remember(state);
    }
  };

  Index.prototype.sort = function () {
    var column = this.sortColumn;
    var descending = this.descending;
    this.headers.forEach(function (th, i) {
      if (i === column) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    var rows = this.rows.slice();
    if (column >= 0) {
      var type = this.headers[column].dataset.type || "text";
      var value = function (row) {
        var cell = row.cells[column];
        var raw = cell.hasAttribute("data-sort") ? cell.dataset.sort : cell.textContent;
        raw = raw.trim();
        if (!raw) return null;
        return type === "number" ? parseFloat(raw) : type === "date" ? raw : key(raw);
      };
      rows.sort(function (a, b) {
        var x = value(a), y = value(b);
        if (x === null || y === null) return (x === null) - (y === null) || a.kbOrder - b.kbOrder; // empty last
        var order = x < y ? -1 : x > y ? 1 : 0;
        return (descending ? -order : order) || a.kbOrder - b.kbOrder;
      });
    }
    var body = this.body;
    rows.forEach(function (row) { body.appendChild(row); });
  };

  function start() {
    var boxes = document.querySelectorAll(".kb-index");
    Array.prototype.forEach.call(boxes, function (box, i) { new Index(box, i); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
