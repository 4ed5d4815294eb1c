/* The map of events (map/): with script, the filter form appears and narrows the markers and the list
   under the map by year range, type and group, as the timeline's does; the choice is kept in the
   address (KhorasanBrief.remember), so a link to it shows the same map. Without script the whole map
   and list stay, readable and printable. */
(function () {
  "use strict";

  function year(iso) { return iso ? parseInt(iso.slice(0, 4), 10) : NaN; }

  function MapFilter(form) {
    this.form = form;
    this.output = form.querySelector("output");
    // Markers and list items carry the same data-* attributes (generator/render/map.py).
    this.items = Array.prototype.slice.call(document.querySelectorAll(".kb-map .kb-map-marker, .kb-map-list li"));
    this.total = document.querySelectorAll(".kb-map-list li").length;
    var query = new URLSearchParams(window.location.search);
    ["from", "to", "type", "group"].forEach(function (name) {
      var value = query.get(name);
      if (value !== null) form.elements[name].value = value;
    });
    var self = this;
    form.addEventListener("input", function () { self.apply(true); });
    form.addEventListener("change", function () { self.apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(function () { self.apply(true); }, 0); });
    form.hidden = false;
  }

  MapFilter.prototype.apply = function (remember) {
    var elements = this.form.elements;
    var from = parseInt(elements.from.value, 10);
    var to = parseInt(elements.to.value, 10);
    var type = elements.type.value;
    var group = elements.group.value;
    var shown = 0;
    this.items.forEach(function (item) {
      var data = item.dataset;
      var match = (isNaN(from) || year(data.stop) >= from) && (isNaN(to) || year(data.start) <= to) &&
        (!type || data.type === type) && (!group || data.groups.split(" ").indexOf(group) >= 0);
      // An SVG element has no `hidden` property: the attribute is what the style sheet reads.
      if (match) item.removeAttribute("hidden");
      else item.setAttribute("hidden", "");
      if (match && item.tagName === "LI") shown += 1;
    });
    var noun = this.total === 1 ? " event" : " events";
    this.output.textContent = shown === this.total ? "All " + this.total + noun + " on the map" : shown + " of " + this.total + noun + " on the map";
    if (remember) {
      window.KhorasanBrief.remember({
        from: isNaN(from) ? "" : String(from), to: isNaN(to) ? "" : String(to), type: type, group: group
      });
    }
  };

  /* On a narrow screen the page map keeps a readable size and scrolls sideways (kb-map.css): a region
     that scrolls must be reachable by keyboard, so it takes focus and a name while it scrolls. */
  function scrollable() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.kb-map:not(.kb-map-small)"), function (figure) {
      if (figure.scrollWidth > figure.clientWidth) {
        figure.setAttribute("tabindex", "0");
        figure.setAttribute("role", "region");
        figure.setAttribute("aria-label", "Map of events (scrolls sideways)");
      } else {
        ["tabindex", "role", "aria-label"].forEach(function (name) { figure.removeAttribute(name); });
      }
    });
  }

  function start() {
    scrollable();
    window.addEventListener("resize", scrollable);
    var form = document.getElementById("kb-map-filter");
    if (form && window.KhorasanBrief) new MapFilter(form).apply(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
