/* Khorasan Brief: the network page's picture (a profile's own network is static SVG made at build
 * time, generator/render/network_svg.py, and needs no script).
 *
 * A <div class="kb-graph"> gets a picture drawn with the vendored Cytoscape library. A container may
 * carry its own graph in data-graph (JSON) and name its profile in data-focus; the network
 * page draws graph.json, less the profiles that have no relationship (the page lists those beside the
 * picture). Every text from the data is set as text, never as markup.
 *
 * What a reader can do: read every name at the default zoom (labels are never smaller than 11 px
 * on screen, and never overlap: see separate()); zoom with the wheel (on a profile page with Ctrl
 * and the wheel, so that the page still scrolls) or by pinching, and pan by dragging; hover a
 * profile, or reach it with Tab, to see its neighbours and its relationships with the rest dimmed;
 * open it by click, tap or Enter. The network page adds a form (data-controls names it) to show only
 * some kinds of profile and of relationship, or only what lies within N steps of one profile, and
 * a year control that shows the network as it stood in a year (each edge carries the years of its
 * dates, generator/render/graph.py: Link.years; the rule is on the methodology page); its state is
 * kept in the address (?kinds=&types=&near=&steps=&year=).
 *
 * The network page opens on the whole network laid out at build time (static SVG,
 * generator/render/network_map.py); the library is loaded at the reader's first use of the picture
 * or its form, and starts on the same places (see onFirstUse).
 *
 * data-ready is "static" while the page shows the picture made at build time and the library is not
 * loaded, "true" once the library's picture stands still and its controls work, "false" while it is
 * being laid out again, and "failed" when it could not be drawn. The browser tests wait for it.
 */
(function () {
  "use strict";

  var kb = window.KhorasanBrief;
  var KhorasanNamesKey = window.KhorasanNames.nameKey;
  // An event is a round-diamond: Cytoscape 3.34's plain "diamond" misses a tap on its very centre.
  var SHAPES = { group: "round-rectangle", person: "ellipse", event: "round-diamond" };
  var KIND_WORDS = { group: "group", person: "person", event: "event" };
  var FONT = 13; // px of a label at zoom 1
  var READABLE = 11; // px: the smallest a label may be on screen at the default zoom
  var GAP = 6; // px between two labels, in the picture's own units

  function colours(element) {
    var style = getComputedStyle(element);
    var read = function (name, fallback) { return style.getPropertyValue(name).trim() || fallback; };
    return {
      group: read("--kbx-group", "#1f5f99"),
      person: read("--kbx-person", "#a34700"),
      event: read("--kbx-event", "#6b3fa0"),
      text: read("--kbx-text", "#1d1d1d"),
      line: read("--kbx-edge", "#6b6b6b"),
      background: read("--kbx-background", "#ffffff"),
      focus: read("--kbx-focus", "#b3261e"),
    };
  }

  function styles(colour, focus) {
    return [
      {
        selector: "node",
        style: {
          shape: "ellipse",
          "background-color": colour.line,
          label: "data(label)",
          color: colour.text,
          "font-size": FONT,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-wrap": "wrap",
          "text-max-width": 130,
          "text-background-color": colour.background,
          "text-background-opacity": 0.85,
          "text-background-padding": 1,
          width: 20,
          height: 20,
        },
      },
    ].concat(Object.keys(SHAPES).map(function (kind) {
      return { selector: 'node[kind = "' + kind + '"]', style: { shape: SHAPES[kind], "background-color": colour[kind] } };
    })).concat([
      {
        selector: "node.focus",
        style: { width: 30, height: 30, "border-width": 3, "border-color": colour.text, "font-weight": "bold" },
      },
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": colour.line,
          "target-arrow-color": colour.line,
          "target-arrow-shape": "triangle",
          "curve-style": "bezier",
          "font-size": 11,
          color: colour.text,
          "text-rotation": "autorotate",
          "text-background-color": colour.background,
          "text-background-opacity": 0.9,
        },
      },
      { selector: "edge.symmetric", style: { "target-arrow-shape": "none" } }, // rival-of, allied-with
      // Relationship names are shown for the profile in hand (hover, Tab), not all at once.
      { selector: "edge.near", style: { label: "data(label)", width: 2.5, "z-index": 10 } },
      { selector: "node.near", style: { "z-index": 10 } },
      { selector: "node.current", style: { "border-width": 4, "border-color": colour.focus, "z-index": 11 } },
      // The network in a year: an ended relationship dashed, an undated one dotted (the page's legend).
      { selector: "edge.ended", style: { "line-style": "dashed", "line-dash-pattern": [7, 4] } },
      { selector: "edge.undated", style: { "line-style": "dotted", "line-dash-pattern": [1.5, 3] } },
      { selector: ".dim", style: { opacity: 0.2 } },
      { selector: ".off", style: { display: "none" } },
    ]);
  }

  /* ---- the picture ------------------------------------------------------------------------- */

  function Picture(cytoscape, container, data) {
    this.container = container;
    // The picture laid out at build time, when the page has one: the library starts on its places
    // and its view, so that nothing moves under the reader's hand; it stays in the page for print.
    var still = container.querySelector(".kb-netmap");
    this.preset = still ? presetOf(still) : null;
    this.initialView = still ? viewOf(still) : null;
    this.focus = container.dataset.focus || "";
    this.full = !this.focus;
    var nodes = data.nodes;
    var degree = {};
    data.edges.forEach(function (e) { degree[e.source] = (degree[e.source] || 0) + 1; degree[e.target] = (degree[e.target] || 0) + 1; });
    // The network page lists the profiles without any relationship beside the picture.
    if (this.full) nodes = nodes.filter(function (n) { return degree[n.id]; });
    this.degree = degree;

    var canvas = document.createElement("div");
    canvas.className = "kb-graph-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", container.dataset.label || "Network of relationships");
    if (still) still.hidden = true;
    container.insertBefore(canvas, still ? still.nextSibling : container.firstChild);
    this.canvas = canvas;

    // Start from the places laid out at build time, or from a circle, so that the force layout below
    // gives the same picture on every visit.
    var radius = 40 * nodes.length;
    var preset = this.preset;
    var elements = nodes.map(function (n, i) {
      var angle = (2 * Math.PI * i) / nodes.length;
      var at = (preset && preset[n.id]) || { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
      return { group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, url: n.url }, position: { x: at.x, y: at.y } };
    }).concat(data.edges.map(function (e) {
      var years = e.years || [null, null];
      return { group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label, name: e.label, type: e.type || "",
                                       first: years[0], last: years[1], former: !!e.former },
               classes: e.symmetric ? "symmetric" : "" };
    }));
    var cy = this.cy = cytoscape({
      container: canvas,
      elements: elements,
      minZoom: 0.1,
      maxZoom: 3,
      boxSelectionEnabled: false,
      autoungrabify: !this.full,
      style: styles(colours(container), this.focus),
      layout: { name: "preset" },
    });
    if (this.focus) cy.getElementById(this.focus).addClass("focus");
    container.cy = cy; // for the browser tests, and for anyone poking at the picture in a console
    this.listen();
    this.keys = this.keyboard();
    controls(this, container.querySelector(".kb-graph-controls"));
  }

  /* The places of the picture laid out at build time (generator/render/network_map.py), by profile. */
  function presetOf(still) {
    var places = {};
    Array.prototype.forEach.call(still.querySelectorAll("[data-id]"), function (node) {
      places[node.dataset.id] = { x: parseFloat(node.dataset.x), y: parseFloat(node.dataset.y) };
    });
    return places;
  }

  /* The library's zoom and pan that show what the reader sees of the static picture: its scale, and
     where its box is scrolled to. */
  function viewOf(still) {
    var svg = still.querySelector("svg");
    var zoom = parseFloat(svg.dataset.zoom) || 1;
    var box = svg.viewBox.baseVal;
    return { zoom: zoom, pan: { x: -box.x * zoom - still.scrollLeft, y: -box.y * zoom - still.scrollTop } };
  }

  Picture.prototype.listen = function () {
    var self = this;
    var cy = this.cy;
    var canvas = this.canvas;
    cy.on("tap", "node", function (event) { window.location.href = new URL(event.target.data("url"), kb.graphUrl).href; });
    cy.on("mouseover", "node", function (event) { canvas.classList.add("kb-graph-canvas--pointer"); self.highlight(event.target); });
    cy.on("mouseout", "node", function () { canvas.classList.remove("kb-graph-canvas--pointer"); self.highlight(null); });
    // Leaving the picture by a node's edge sends no mouseout for the node.
    canvas.addEventListener("mouseleave", function () { canvas.classList.remove("kb-graph-canvas--pointer"); self.highlight(null); });
    // Cytoscape maps a pointer to the picture through a cached rectangle of its container, which it
    // refreshes when it sees the page scroll. A press that comes before that scroll event (a busy
    // machine, a quick hand) would be mapped through the old rectangle and miss: refresh it first.
    var fresh = function () { cy.renderer().invalidateContainerClientCoordsCache(); };
    ["mousedown", "touchstart", "pointerdown"].forEach(function (type) {
      canvas.addEventListener(type, fresh, { capture: true, passive: true });
    });
    // On a profile page the wheel scrolls the page, as everywhere else; Ctrl and the wheel (or a
    // pinch on a touchpad, which browsers send as one) zooms. The network page zooms with the wheel.
    if (!this.full) {
      this.container.addEventListener("wheel", function (event) { if (!event.ctrlKey) event.stopPropagation(); }, { capture: true });
    }
    // Colours follow the reader's choice of light or dark scheme.
    new MutationObserver(function () { cy.style(styles(colours(self.container), self.focus)); })
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  };

  /* Dim all but one profile, its neighbours and the relationships between them (null: none). */
  Picture.prototype.highlight = function (node) {
    var cy = this.cy;
    cy.batch(function () {
      cy.elements().removeClass("dim near current");
      if (!node) return;
      var near = node.closedNeighborhood().filter(function (e) { return !e.hasClass("off"); });
      cy.elements().not(near).addClass("dim");
      near.addClass("near");
      node.addClass("current");
    });
  };

  /* A link per profile, in name order, for the keyboard: Tab reaches each node and a screen reader
     reads its name, kind and number of links; Enter opens it. The focused link is drawn over its node. */
  Picture.prototype.keyboard = function () {
    var self = this;
    var box = document.createElement("div");
    box.className = "kb-graph-keys";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Profiles in the picture, by name");
    var list = document.createElement("ul");
    var links = {};
    this.cy.nodes().sort(function (a, b) { return a.data("label").localeCompare(b.data("label")); }).forEach(function (node) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = new URL(node.data("url"), kb.graphUrl).href;
      var count = self.degree[node.id()] || 0;
      link.textContent = node.data("label") + " (" + KIND_WORDS[node.data("kind")] + ", " + count + (count === 1 ? " link)" : " links)");
      link.addEventListener("focus", function () { self.reveal(node); self.highlight(node); self.place(link, node); });
      link.addEventListener("blur", function () { self.highlight(null); });
      item.appendChild(link);
      list.appendChild(item);
      links[node.id()] = item;
    });
    box.appendChild(list);
    this.container.insertBefore(box, this.canvas.nextSibling);
    this.cy.on("viewport", function () {
      var active = document.activeElement;
      if (active && active.parentNode && active.parentNode.parentNode === list) {
        var node = self.cy.nodes().filter(function (n) { return links[n.id()] === active.parentNode; });
        if (node.length) self.place(active, node[0]);
      }
    });
    return links;
  };

  /* Put the focused link's outline around its node (position from the picture, set by script). */
  Picture.prototype.place = function (link, node) {
    var box = node.renderedBoundingBox({ includeLabels: true });
    var top = this.canvas.offsetTop;
    link.style.left = Math.round(box.x1 - 4) + "px";
    link.style.top = Math.round(top + box.y1 - 4) + "px";
    link.style.width = Math.round(box.w + 8) + "px";
    link.style.height = Math.round(box.h + 8) + "px";
  };

  /* Bring a node into view if it lies outside the picture's box. */
  Picture.prototype.reveal = function (node) {
    var at = node.renderedPosition();
    var cy = this.cy;
    if (at.x < 20 || at.y < 20 || at.x > cy.width() - 20 || at.y > cy.height() - 20) cy.center(node);
  };

  /* Show only what `visible` (a Cytoscape collection) holds, lay it out again, and signal ready. */
  /* Show only what `visible` holds. `arranged` (visible and more: what other years would show) is
     laid out first; null keeps every node where it stands. */
  Picture.prototype.show = function (visible, arranged) {
    var self = this;
    var cy = this.cy;
    var container = this.container;
    container.dataset.ready = "false";
    var only = function (elements) {
      cy.batch(function () {
        cy.elements().addClass("off");
        elements.removeClass("off");
      });
    };
    var shown = visible;
    var reveal = function () {
      only(visible);
      Object.keys(self.keys).forEach(function (id) { self.keys[id].hidden = cy.getElementById(id).hasClass("off"); });
    };
    if (arranged === null) { // the nodes keep their places: only what is shown changes
      reveal();
      this.count(shown);
      container.dataset.ready = "true";
      return;
    }
    arranged = arranged || visible;
    only(arranged);
    var preset = this.preset;
    var whole = preset && arranged.nodes().length === cy.nodes().length;
    var layout = arranged.layout(whole
      ? { name: "preset", positions: function (node) { return preset[node.id()] || node.position(); }, fit: false, animate: false }
      : this.focus
      ? { name: "concentric", concentric: function (n) { return n.id() === self.focus ? 2 : 1; },
          levelWidth: function () { return 1; }, minNodeSpacing: 30, avoidOverlap: true,
          nodeDimensionsIncludeLabels: true, animate: false, fit: false }
      : { name: "cose", animate: false, randomize: false, fit: false, nodeDimensionsIncludeLabels: true,
          nodeRepulsion: function () { return 120000; }, idealEdgeLength: function () { return 45; },
          edgeElasticity: function () { return 100; }, nodeOverlap: 30, gravity: 1.2, numIter: 2000,
          componentSpacing: 40 });
    layout.one("layoutstop", function () {
      separate(arranged.nodes());
      reveal();
      if (self.initialView) { // the first picture: where the static one was
        cy.viewport(self.initialView);
        self.initialView = null;
      } else {
        self.view(shown);
      }
      self.count(shown);
      container.dataset.ready = "true";
    });
    layout.run();
  };

  /* The default view: everything when its labels stay readable, else readable labels around the
     busiest profile (or the page's own), the rest a drag or a zoom away. */
  Picture.prototype.view = function (shown) {
    var cy = this.cy;
    if (!shown.nodes().length) return;
    cy.fit(shown, 16);
    var least = READABLE / FONT;
    if (cy.zoom() >= least) {
      if (cy.zoom() > 1.25) cy.zoom({ level: 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      cy.center(shown);
      return;
    }
    var self = this;
    var centre = this.focus ? cy.getElementById(this.focus) : shown.nodes().max(function (n) { return self.degree[n.id()] || 0; }).ele;
    cy.zoom(least);
    cy.center(centre);
  };

  Picture.prototype.count = function (shown) {
    var output = this.output;
    if (!output) return;
    var nodes = shown.nodes().length;
    var edges = shown.edges().length;
    var text = nodes + (nodes === 1 ? " profile, " : " profiles, ") + edges + (edges === 1 ? " relationship shown" : " relationships shown");
    var year = this.year;
    if (year) {
      var ended = shown.edges(".ended").length;
      var undated = shown.edges(".undated").length;
      text = "In " + year.year + ": " + text + " (" + ended + " ended, " + undated + " undated)" +
        (year.later ? "; " + year.later + (year.later === 1 ? " begun later is hidden" : " begun later are hidden") : "");
    }
    output.textContent = text;
  };

  /* Push apart nodes whose boxes (shape and label) overlap, until none do. Deterministic: the same
     layout always gives the same picture. Boxes are compared after sorting by their left edge, so
     each round costs n log n plus the pairs that really are close. */
  function separate(nodes) {
    var list = nodes.toArray();
    for (var round = 0; round < 200; round += 1) {
      var boxes = list.map(function (node, index) {
        var b = node.boundingBox({ includeLabels: true, includeOverlays: false });
        return { node: node, index: index, x1: b.x1 - GAP / 2, x2: b.x2 + GAP / 2, y1: b.y1 - GAP / 2, y2: b.y2 + GAP / 2 };
      });
      boxes.sort(function (a, b) { return a.x1 - b.x1 || a.index - b.index; });
      var moves = {};
      var moved = false;
      for (var i = 0; i < boxes.length; i += 1) {
        var a = boxes[i];
        for (var j = i + 1; j < boxes.length && boxes[j].x1 < a.x2; j += 1) {
          var b = boxes[j];
          if (b.y1 >= a.y2 || a.y1 >= b.y2) continue;
          var dx = Math.min(a.x2 - b.x1, b.x2 - a.x1);
          var dy = Math.min(a.y2 - b.y1, b.y2 - a.y1);
          var ma = moves[a.index] || (moves[a.index] = { x: 0, y: 0 });
          var mb = moves[b.index] || (moves[b.index] = { x: 0, y: 0 });
          if (dy <= dx) {
            var down = (b.y1 + b.y2) >= (a.y1 + a.y2) ? 1 : -1;
            ma.y -= down * (dy / 2 + 0.5);
            mb.y += down * (dy / 2 + 0.5);
          } else {
            var right = (b.x1 + b.x2) >= (a.x1 + a.x2) ? 1 : -1;
            ma.x -= right * (dx / 2 + 0.5);
            mb.x += right * (dx / 2 + 0.5);
          }
          moved = true;
        }
      }
      if (!moved) return;
      Object.keys(moves).forEach(function (index) {
        var node = list[index];
        var at = node.position();
        node.position({ x: at.x + moves[index].x, y: at.y + moves[index].y });
      });
    }
  }

  /* ---- controls ---------------------------------------------------------------------------- */

  var BUTTONS = ["Zoom in", "Zoom out", "Show all", "Readable size"];

  /* The buttons under the picture: the page's own (network.md.j2 writes them beside the static
     picture, and they wait for the library), or new ones after the picture. */
  function controls(picture, bar) {
    var cy = picture.cy;
    var centre = function () { return { x: cy.width() / 2, y: cy.height() / 2 }; };
    var actions = {
      "Zoom in": function () { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre() }); },
      "Zoom out": function () { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre() }); },
      "Show all": function () { cy.fit(cy.elements().not(".off"), 16); },
      "Readable size": function () { picture.view(cy.elements().not(".off")); },
    };
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "kb-graph-controls";
      BUTTONS.forEach(function (name) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = name;
        bar.appendChild(button);
      });
      picture.container.appendChild(bar);
    }
    picture.actions = actions;
    Array.prototype.forEach.call(bar.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () { actions[button.textContent](); });
    });
    bar.hidden = false;
  }

  /* The network page's form: kinds, relationship types, and "within N steps of". */
  function Filter(picture, form) {
    this.picture = picture;
    this.form = form;
    var cy = picture.cy;
    // Every profile is in the list, those without relationships too ("within N steps of" one of them
    // is the profile alone); a name, an alias or another spelling of one selects it, as in search.
    var profiles = Array.prototype.map.call(form.querySelectorAll("datalist option"), function (option) {
      return { id: option.dataset.id, names: [option.value].concat((option.dataset.names || "").split("|")) };
    });
    this.find = window.KhorasanNames.finder(profiles);
    picture.output = form.querySelector("output[aria-live]");
    this.slider = form.querySelector('input[name="year"]');
    this.shownYear = form.querySelector("#kb-network-year-shown");
    var self = this;
    this.read(new URLSearchParams(window.location.search));
    form.addEventListener("change", function () { self.apply(true); });
    form.addEventListener("input", function (event) { if (event.target.type === "search" || event.target.type === "range") self.apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); self.apply(true); });
    form.addEventListener("reset", function () { window.setTimeout(function () { self.apply(true); }, 0); });
    form.hidden = false;
  }

  Filter.prototype.boxes = function (name) {
    return Array.prototype.slice.call(this.form.querySelectorAll('input[name="' + name + '"]'));
  };

  Filter.prototype.read = function (query) {
    var lists = { kinds: query.get("kinds"), types: query.get("types") };
    var self = this;
    Object.keys(lists).forEach(function (name) {
      if (lists[name] === null) return;
      var wanted = lists[name].split(",");
      self.boxes(name).forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    });
    var near = query.get("near");
    var steps = query.get("steps");
    var input = this.form.querySelector('input[name="near"]');
    if (near) {
      var node = this.picture.cy.getElementById(near);
      var label = node.length ? node.data("label") : "";
      if (!label) {
        var option = this.form.querySelector('datalist option[data-id="' + near.replace(/[^a-z0-9-]/g, "") + '"]');
        label = option ? option.value : "";
      }
      input.value = label;
    }
    if (steps) this.form.querySelector('select[name="steps"]').value = steps;
    var year = parseInt(query.get("year"), 10);
    if (this.slider && year >= +this.slider.min && year <= +this.slider.max) this.slider.value = String(year);
  };

  /* Where a relationship stands in `year`: "later" (begun after it), "ended" (its end is before it),
     "undated" (no date at all) or "current". The rule is stated on the methodology page. */
  function standing(edge, year, latest) {
    var first = edge.data("first"), last = edge.data("last");
    if (first !== null && first > year) return "later";
    // Over, with no date for its end (a leader since killed): ended by the latest year, in force before.
    if (edge.data("former") && last === null) return year >= latest ? "ended" : first === null ? "undated" : "unended";
    if (first === null && last === null) return "undated";
    if (last !== null && last < year) return "ended";
    return "current";
  }

  /* The edges of `edges` and the nodes they join, or, with `near`, what lies within `steps` of it. */
  function reach(cy, edges, near, steps) {
    if (!near) return { nodes: edges.connectedNodes(), edges: edges };
    var start = cy.getElementById(near);
    var reached = start.length ? start : cy.collection();
    var frontier = reached;
    for (var step = 0; step < steps && frontier.length; step += 1) {
      var next = frontier.connectedEdges().intersection(edges).connectedNodes().difference(reached);
      reached = reached.union(next);
      frontier = next;
    }
    return { nodes: reached, edges: edges.filter(function (e) { return reached.contains(e.source()) && reached.contains(e.target()); }) };
  }

  var STANDING_WORDS = { ended: " (ended)", undated: " (undated)", current: "", later: "", unended: " (ended later, on a date not given)" };

  Filter.prototype.checked = function (name) {
    return this.boxes(name).filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
  };

  Filter.prototype.apply = function (remember) {
    var cy = this.picture.cy;
    var kinds = this.checked("kinds");
    var types = this.checked("types");
    var typed = this.form.querySelector('input[name="near"]').value.trim();
    var near = this.find(typed);
    var steps = parseInt(this.form.querySelector('select[name="steps"]').value, 10) || 1;
    var year = this.slider ? parseInt(this.slider.value, 10) : null;
    var last = this.slider ? parseInt(this.slider.max, 10) : null;
    var latest = !this.slider || year === last;
    var later;
    if (this.shownYear) this.shownYear.textContent = String(year);
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        var stand = year === null ? "current" : standing(e, year, last);
        e.removeClass("ended undated");
        if (stand === "ended" || stand === "undated") e.addClass(stand);
        e.data("label", e.data("name") + STANDING_WORDS[stand]);
        e.scratch("_kbStanding", stand);
      });
    });
    var chosen = cy.edges().filter(function (e) {
      return types.indexOf(e.data("type")) >= 0 && kinds.indexOf(e.source().data("kind")) >= 0 &&
        kinds.indexOf(e.target().data("kind")) >= 0;
    });
    var inYear = chosen.filter(function (e) { return e.scratch("_kbStanding") !== "later"; });
    // What every year would show (laid out once, so that the places stay as the year moves), and
    // what this year shows: "within N steps" counts the steps of that year's network.
    var every = reach(cy, chosen, near, steps);
    var shown = reach(cy, inYear, near, steps);
    later = every.edges.length - shown.edges.length;
    cy.nodes().removeClass("focus");
    if (near) cy.getElementById(near).addClass("focus");
    this.picture.focusId = near;
    this.picture.year = year === null ? null : { year: year, later: later };
    // A new year keeps the picture where it is, so that a reader sees relationships come and go;
    // any other change lays it out again.
    var layoutKey = JSON.stringify([kinds, types, near, steps]);
    this.picture.show(shown.nodes.union(shown.edges), layoutKey === this.layoutKey ? null : every.nodes.union(every.edges));
    this.layoutKey = layoutKey;
    if (near && !cy.getElementById(near).length && this.picture.output) {
      this.picture.output.textContent = "This profile has no relationship in the knowledge base.";
    }
    var option = near && this.form.querySelector('datalist option[data-id="' + near.replace(/[^a-z0-9-]/g, "") + '"]');
    if (option && KhorasanNamesKey(typed) !== KhorasanNamesKey(option.value) && this.picture.output) { // an alias, another spelling
      this.picture.output.textContent = "\u201c" + typed + "\u201d taken as " + option.value + ". " + this.picture.output.textContent;
    }
    if (typed && !near && this.picture.output) { // said, not silently ignored: the picture shows everything
      this.picture.output.textContent = "No profile is called \u201c" + typed + "\u201d; " + this.picture.output.textContent;
    }
    if (remember) {
      var some = function (name, list) { return list.length === this.boxes(name).length ? "" : list.join(","); }.bind(this);
      kb.remember({ kinds: some("kinds", kinds), types: some("types", types), near: near, steps: near ? String(steps) : "",
                    year: latest ? "" : String(year) });
    }
  };

  /* ---- start ------------------------------------------------------------------------------- */

  function graphFor(container) {
    if (!container.dataset.graph) return kb.loadGraph();
    return Promise.resolve(JSON.parse(container.dataset.graph));
  }

  function failed(container, error) {
    var note = document.createElement("p");
    note.className = "kb-graph-failed";
    note.textContent = "The picture could not be drawn (" + error.message + "). The tables on this page list every link.";
    container.appendChild(note);
    container.dataset.ready = "failed";
  }

  /* Draw each picture with the library. `used` names what the reader first did with a picture laid
     out at build time: "form" (its filter form: the view chosen is kept in the address), or the name
     of one of its buttons, done once the picture is drawn. */
  function draw(containers, used) {
    containers.forEach(function (container) { container.dataset.ready = "false"; });
    Promise.all([kb.loadLibrary()].concat(containers.map(graphFor))).then(function (loaded) {
      containers.forEach(function (container, i) {
        var focused = container.contains(document.activeElement);
        var picture = new Picture(loaded[0], container, loaded[i + 1]);
        var form = container.dataset.controls && document.getElementById(container.dataset.controls);
        if (form) new Filter(picture, form).apply(used === "form");
        else picture.show(picture.cy.elements());
        if (picture.actions[used]) picture.actions[used]();
        // The static picture had the keyboard's focus: the first profile in the picture has it now.
        if (focused && !container.contains(document.activeElement)) {
          var first = container.querySelector(".kb-graph-keys li:not([hidden]) a");
          if (first) first.focus();
        }
      });
    }).catch(function (error) {
      containers.forEach(function (container) { failed(container, error); });
    });
  }

  /* Scroll the static picture to the profile it names in data-centre (the busiest), as the
     library's picture opens on it (Picture.view). */
  function centre(still) {
    var svg = still.querySelector("svg");
    var node = svg && svg.querySelector('a[data-id="' + (svg.dataset.centre || "").replace(/[^a-z0-9-]/g, "") + '"]');
    if (!node) return;
    var zoom = parseFloat(svg.dataset.zoom) || 1;
    var box = svg.viewBox.baseVal;
    still.scrollLeft = (parseFloat(node.dataset.x) - box.x) * zoom - still.clientWidth / 2;
    still.scrollTop = (parseFloat(node.dataset.y) - box.y) * zoom - still.clientHeight / 2;
  }

  /* A view asked for in the address (?near=…): the reader means to use the picture. */
  function asked() {
    var query = new URLSearchParams(window.location.search);
    return ["kinds", "types", "near", "steps", "year"].some(function (name) { return query.has(name); });
  }

  /* The network page opens on its picture laid out at build time (static SVG). The library (425
     KiB, over a second of script on a phone) is loaded when the reader first uses it: points at it,
     touches it, scrolls in it or gives it the keyboard's focus, presses one of its buttons, or
     uses the filter form, which is shown at once. data-ready is "static" until then. */
  function onFirstUse(container) {
    var still = container.querySelector(".kb-netmap");
    window.requestAnimationFrame(function () { centre(still); });
    var form = container.dataset.controls && document.getElementById(container.dataset.controls);
    var bar = container.querySelector(".kb-graph-controls");
    var done = false;
    var use = function (what) {
      if (done) return;
      done = true;
      draw([container], what);
    };
    ["pointerenter", "pointerdown", "touchstart", "wheel", "focusin"].forEach(function (type) {
      still.addEventListener(type, function () { use(""); }, { passive: true });
    });
    if (bar) {
      bar.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (button) use(button.textContent);
      });
      bar.hidden = false;
    }
    if (form) {
      ["focusin", "input", "change"].forEach(function (type) { form.addEventListener(type, function () { use("form"); }); });
      form.addEventListener("submit", function (event) { if (!done) { event.preventDefault(); use("form"); } });
      form.hidden = false;
    }
    container.dataset.ready = "static";
  }

  /* Only the network page draws with the library (a profile's own network is a static picture made
     at build time). A picture laid out at build time waits for the reader's first use; one without
     (a network too large for it), or a view asked for in the address, is drawn once the page has
     loaded and painted: its heading, text and table come first, and the library's start-up waits for
     an idle moment. */
  function afterFirstPaint() {
    var containers = Array.prototype.slice.call(document.querySelectorAll(".kb-graph"));
    if (!containers.length || !kb) return;
    var later = asked() ? containers : containers.filter(function (container) { return !container.querySelector(".kb-netmap"); });
    containers.forEach(function (container) { if (later.indexOf(container) < 0) onFirstUse(container); });
    if (!later.length) return;
    var idle = window.requestIdleCallback || function (run) { return window.setTimeout(run, 1); };
    var go = function () { idle(function () { draw(later, ""); }, { timeout: 1500 }); };
    if (document.readyState === "complete") go();
    else window.addEventListener("load", go, { once: true });
  }

  afterFirstPaint();
})();
