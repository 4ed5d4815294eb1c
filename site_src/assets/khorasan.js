/* Khorasan Brief: the network pictures and the timeline filter.
 *
 * Loaded as a file on every page (mkdocs.yml extra_javascript); there is no inline script anywhere,
 * so a strict Content-Security-Policy ("script-src 'self'") can be set. Every text taken from the
 * data is set as text (textContent, canvas labels), never as markup.
 *
 * Graphs: a page with <div class="kb-graph"> gets the vendored Cytoscape library (assets/vendor,
 * loaded only then). A profile page carries its own neighbourhood in data-graph (JSON); the network
 * page draws everything from graph.json, which the site generator writes from the knowledge base.
 * With data-focus="<id>" the picture shows that profile and its neighbours. Selecting a node opens
 * its profile.
 *
 * Timeline: the filter form is in the page but hidden; this script reveals it and shows only the
 * events of the chosen group or person (also read from and written to ?entity=<id>).
 *
 * Search: the site generator sets every name of a profile as the search tags of its page, which
 * Material weighs highest. One case that weighting cannot reach: Material's query parser (lunr)
 * always splits a query at "-", so "IS-K" is searched as "k*". When the query is exactly a name or
 * alias of a profile (ignoring case, spaces and punctuation), this script moves that profile's
 * result to the top of Material's list, or adds it there.
 */
(function () {
  "use strict";

  var here = document.currentScript ? document.currentScript.src : document.baseURI;
  var ASSETS = new URL(".", here);
  var GRAPH_URL = new URL("../graph.json", ASSETS);
  var LIBRARY_URL = new URL("vendor/cytoscape/cytoscape.min.js", ASSETS);
  // An event is a round-diamond: Cytoscape 3.34's plain "diamond" misses a tap on its very centre.
  var SHAPES = { group: "round-rectangle", person: "ellipse", event: "round-diamond" };

  function loadLibrary() {
    if (window.cytoscape) return Promise.resolve(window.cytoscape);
    // Cytoscape adds a <style> element unless one with this id exists; khorasan.css carries that
    // one rule instead, so no inline style is needed either.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = LIBRARY_URL.href;
      script.onload = function () { resolve(window.cytoscape); };
      script.onerror = function () { reject(new Error("could not load " + LIBRARY_URL.href)); };
      document.head.appendChild(script);
    });
  }

  var graph = null; // the promise of graph.json, fetched once

  function loadGraph() {
    if (!graph) {
      graph = fetch(GRAPH_URL.href).then(function (response) {
        if (!response.ok) throw new Error(GRAPH_URL.href + ": " + response.status);
        return response.json();
      });
    }
    return graph;
  }

  /* What one picture draws: the page's own data when it has some, else the whole graph. */
  function graphFor(container) {
    if (!container.dataset.graph) return loadGraph();
    return new Promise(function (resolve) { resolve(JSON.parse(container.dataset.graph)); });
  }

  /* The part of the graph one picture shows: all of it, or one profile and its neighbours. */
  function subgraph(data, focus) {
    if (!focus) return data;
    var near = {};
    near[focus] = true;
    var edges = data.edges.filter(function (e) { return e.source === focus || e.target === focus; });
    edges.forEach(function (e) { near[e.source] = true; near[e.target] = true; });
    return { nodes: data.nodes.filter(function (n) { return near[n.id]; }), edges: edges };
  }

  function colours(element) {
    var style = getComputedStyle(element);
    var read = function (name, fallback) { return style.getPropertyValue(name).trim() || fallback; };
    return {
      group: read("--kb-group", "#1f5f99"),
      person: read("--kb-person", "#a34700"),
      event: read("--kb-event", "#6b3fa0"),
      text: read("--kb-graph-text", "#1d1d1d"),
      line: read("--kb-edge", "#6b6b6b"),
      background: read("--kb-graph-background", "#ffffff"),
    };
  }

  function draw(cytoscape, container, data) {
    var focus = container.dataset.focus || "";
    var part = subgraph(data, focus);
    var colour = colours(container);
    // The picture is one image to assistive technology, named by the page; the buttons stand beside it.
    var canvas = document.createElement("div");
    canvas.className = "kb-graph-canvas";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", container.dataset.label || "Network of relationships");
    container.appendChild(canvas);

    // Start from a circle, so that the force layout below gives the same picture on every visit.
    var radius = 40 * part.nodes.length;
    var elements = part.nodes.map(function (n, i) {
      var angle = (2 * Math.PI * i) / part.nodes.length;
      return { group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, url: n.url },
               position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) } };
    }).concat(part.edges.map(function (e) {
      return { group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label },
               classes: e.symmetric ? "symmetric" : "" };
    }));

    var cy = cytoscape({
      container: canvas,
      elements: elements,
      userZoomingEnabled: false, // the page scrolls with the wheel; the buttons below zoom
      minZoom: 0.2,
      maxZoom: 1.5, // a picture of three profiles stays at reading size instead of filling the box
      boxSelectionEnabled: false,
      autoungrabify: !!focus,
      style: [
        {
          selector: "node",
          style: {
            shape: "ellipse",
            "background-color": colour.line,
            label: "data(label)",
            color: colour.text,
            "font-size": 11,
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "wrap",
            "text-max-width": 110,
            "text-background-color": colour.background,
            "text-background-opacity": 0.8,
            width: 22,
            height: 22,
          },
        },
      ].concat(Object.keys(SHAPES).map(function (kind) {
        return { selector: 'node[kind = "' + kind + '"]', style: { shape: SHAPES[kind], "background-color": colour[kind] } };
      })).concat([
        {
          selector: "node[id = '" + focus.replace(/[^a-z0-9-]/g, "") + "']",
          style: { width: 34, height: 34, "border-width": 3, "border-color": colour.text, "font-weight": "bold" },
        },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "line-color": colour.line,
            "target-arrow-color": colour.line,
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            label: "data(label)",
            "font-size": 9,
            color: colour.text,
            "text-rotation": "autorotate",
            "text-background-color": colour.background,
            "text-background-opacity": 0.8,
          },
        },
        { selector: "edge.symmetric", style: { "target-arrow-shape": "none" } }, // rival-of, allied-with
      ]),
      layout: { name: "preset" }, // the circle above; the layout below then moves the nodes
    });

    cy.on("tap", "node", function (event) {
      window.location.href = new URL(event.target.data("url"), GRAPH_URL).href;
    });
    cy.on("mouseover", "node", function () { canvas.style.cursor = "pointer"; });
    cy.on("mouseout", "node", function () { canvas.style.cursor = ""; });

    container.appendChild(controls(cy));
    container.cy = cy; // for the browser tests, and for anyone poking at the picture in a console
    // Ready once the nodes stand where they will stay: a force layout may finish after this function.
    var layout = cy.layout(focus
      ? { name: "concentric", concentric: function (n) { return n.id() === focus ? 2 : 1; },
          levelWidth: function () { return 1; }, minNodeSpacing: 40, animate: false }
      : { name: "cose", animate: false, randomize: false, nodeRepulsion: function () { return 400000; },
          idealEdgeLength: function () { return 110; }, nodeOverlap: 20, componentSpacing: 80, padding: 20 });
    layout.one("layoutstop", function () { container.dataset.ready = "true"; });
    layout.run();
  }

  function controls(cy) {
    var bar = document.createElement("div");
    bar.className = "kb-graph-controls";
    [["Zoom in", function () { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre(cy) }); }],
     ["Zoom out", function () { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre(cy) }); }],
     ["Fit", function () { cy.fit(undefined, 20); }]].forEach(function (item) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button";
      button.textContent = item[0];
      button.addEventListener("click", item[1]);
      bar.appendChild(button);
    });
    return bar;
  }

  function centre(cy) {
    return { x: cy.width() / 2, y: cy.height() / 2 };
  }

  function failed(container, error) {
    var note = document.createElement("p");
    note.className = "kb-graph-failed";
    note.textContent = "The picture could not be drawn (" + error.message + "). The tables on this page list every link.";
    container.appendChild(note);
    container.dataset.ready = "failed";
  }

  function drawGraphs() {
    var containers = Array.prototype.slice.call(document.querySelectorAll(".kb-graph"));
    if (!containers.length) return;
    Promise.all([loadLibrary()].concat(containers.map(graphFor))).then(function (loaded) {
      containers.forEach(function (container, i) { draw(loaded[0], container, loaded[i + 1]); });
    }).catch(function (error) {
      containers.forEach(function (container) { failed(container, error); });
    });
  }

  function timelineFilter() {
    var form = document.querySelector(".kb-timeline-filter");
    if (!form) return;
    var select = form.querySelector("select");
    var count = form.querySelector("output");
    var items = Array.prototype.slice.call(document.querySelectorAll(".kb-timeline-item"));

    function apply() {
      var id = select.value;
      var shown = 0;
      items.forEach(function (item) {
        var match = !id || item.dataset.entities.split(" ").indexOf(id) >= 0;
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = id ? shown + " of " + items.length + " events" : items.length + " events";
      var url = new URL(window.location.href);
      if (id) url.searchParams.set("entity", id); else url.searchParams.delete("entity");
      window.history.replaceState(null, "", url.href);
    }

    var wanted = new URLSearchParams(window.location.search).get("entity");
    if (wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
      select.value = wanted;
    }
    select.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  /* "IS-K", "is k" and "Is-K" are one name; so are "Shahab al-Muhajir" and "shahab al muhajir". */
  function nameKey(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  var names = null; // name key -> {label, url}, from graph.json, fetched on first use of search

  function loadNames() {
    if (!names) {
      names = loadGraph().then(function (data) {
        var table = {};
        data.nodes.forEach(function (node) {
          var entry = { label: node.label, url: new URL(node.url, GRAPH_URL) };
          [node.label].concat(node.aliases).forEach(function (name) {
            var key = nameKey(name);
            if (key && !(key in table)) table[key] = entry;
          });
        });
        return table;
      }).catch(function () { return {}; });
    }
    return names;
  }

  function exactNameFirst() {
    var input = document.querySelector("input.md-search__input");
    var list = document.querySelector(".md-search-result__list");
    if (!input || !list) return;
    var wanted = null;

    function samePage(link, url) {
      var href = new URL(link.href, document.baseURI);
      return href.origin === url.origin && href.pathname === url.pathname;
    }

    function promote() {
      if (!wanted || !list.children.length) return;
      var items = Array.prototype.slice.call(list.children);
      var found = items.filter(function (li) {
        var link = li.querySelector("a.md-search-result__link");
        return link && samePage(link, wanted.url);
      })[0];
      if (found === list.firstElementChild) return;
      list.insertBefore(found || resultItem(wanted), list.firstElementChild);
    }

    function update() {
      var key = nameKey(input.value);
      loadNames().then(function (table) {
        wanted = table[key] || null;
        promote();
      });
    }

    input.addEventListener("focus", loadNames);
    input.addEventListener("keyup", update);
    input.addEventListener("input", update);
    new MutationObserver(promote).observe(list, { childList: true });
  }

  /* A result in Material's own markup, for a profile the query names but the index ranked out of sight. */
  function resultItem(entry) {
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = entry.url.href;
    link.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var title = document.createElement("h1");
    title.textContent = entry.label;
    article.appendChild(title);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  /* Material's search panel is a dialog without a name (its template gives none); name it after
     the search field, so that screen readers announce what opened. */
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    var input = document.querySelector("input.md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || "Search");
    }
  }

  function start() {
    nameSearchDialog();
    drawGraphs();
    timelineFilter();
    exactNameFirst();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
