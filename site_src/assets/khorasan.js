/* Khorasan Brief: what every page shares, and search by any name.
 *
 * Loaded as a file on every page (mkdocs.yml extra_javascript); there is no inline script anywhere,
 * so a strict Content-Security-Policy ("script-src 'self'") can be set. Every text taken from the
 * data is set as text (textContent, canvas labels), never as markup.
 *
 * Shared (window.KhorasanBrief, for kb-network.js and kb-timeline.js): where graph.json is, one fetch
 * of it per page, and the vendored Cytoscape library, loaded only by a page that draws a graph.
 *
 * Search: Material's search box is answered by the site's own worker (kb-search.js), which finds
 * a profile first under any of its names; this script only names the search dialog.
 */
(function () {
  "use strict";

  var here = document.currentScript ? document.currentScript.src : document.baseURI;
  var ASSETS = new URL(".", here);
  var GRAPH_URL = new URL("../graph.json", ASSETS);
  var LIBRARY_URL = new URL("vendor/cytoscape/cytoscape.min.js", ASSETS);

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

  /* The view a reader chose, kept in the address (a link to it shows the same view): each value set,
     or removed when empty, without a new entry in the history. */
  function remember(values) {
    var url = new URL(window.location.href);
    Object.keys(values).forEach(function (name) {
      if (values[name]) url.searchParams.set(name, values[name]);
      else url.searchParams.delete(name);
    });
    window.history.replaceState(null, "", url.href);
  }

  // One fetch of graph.json and one load of the library per page, for every script of the site.
  window.KhorasanBrief = { graphUrl: GRAPH_URL, loadGraph: loadGraph, loadLibrary: loadLibrary, remember: remember };

  /* Material's search panel is a dialog without a name (its template gives none); name it after
     the search field, so that screen readers announce what opened. */
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]');
    var input = document.querySelector("input.md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || "Search");
    }
  }

  /* A table wider than the column scrolls in its own box (Material's wrapper, or the table itself);
     on a phone a reader cannot tell that columns are cut off there, so a line above the box says so,
     shown only while the table does not fit (issue 26). */
  function scrollBox(table) {
    var wrap = table.closest(".md-typeset__scrollwrap");
    return wrap && wrap.scrollWidth > wrap.clientWidth + 1 ? wrap : table;
  }

  /* Every table measured first, then the hints written: a hint written between two measurements
     would make the browser lay the whole page out again for the next one (on a long profile with a
     dozen tables, a dozen layouts on a phone). */
  function hintWideTables() {
    var measured = Array.prototype.map.call(document.querySelectorAll("article table"), function (table) {
      var box = scrollBox(table);
      return { box: box, wide: box.scrollWidth > box.clientWidth + 1 };
    });
    measured.forEach(function (found) {
      var box = found.box;
      var hint = box.previousElementSibling;
      if (!(hint && hint.classList.contains("kb-scroll-hint"))) {
        if (!found.wide) return;
        hint = document.createElement("p");
        hint.className = "kb-scroll-hint";
        hint.textContent = "The table is wider than the page: scroll it sideways for more columns →";
        box.parentNode.insertBefore(hint, box);
      }
      hint.hidden = !found.wide;
    });
  }

  /* Search opens a page with the words it found in its address (?h=), and Material marks them there
     word by word, leaving the hyphens and connectors of a hyphenated name between its marks
     ("Tehrik-i-Taliban" in two pieces). As in the result list (kb-search.js), marks one after the other
     across hyphens, or across a connector between hyphens or spaces, become one mark, and a connector
     hyphened to a marked word ("al-Muhajir") is marked with it: a hyphenated query highlights whole
     (issue 26). */
  var GAP = /^[\s\-\u2010\u2011]*[\-\u2010\u2011][\s\-\u2010\u2011]*$|^[\s\-\u2010\u2011]+(\p{L}+)[\s\-\u2010\u2011]+$/u;

  function connector(word) {
    return window.KhorasanNames !== undefined && window.KhorasanNames.connector(word);
  }

  function joinMarks(root) {
    Array.prototype.forEach.call(root.querySelectorAll("mark[data-md-highlight]"), function (mark) {
      if (!mark.isConnected) return; // joined into the one before it
      var before = mark.previousSibling;
      var lead = before && before.nodeType === 3 && window.KhorasanNames ? window.KhorasanNames.connectorBefore(before.data) : "";
      if (lead) mark.insertBefore(before.splitText(before.data.length - lead.length - 1), mark.firstChild);
      for (;;) {
        var gap = mark.nextSibling, next = gap && gap.nextSibling;
        if (!gap || gap.nodeType !== 3 || !next || next.nodeName !== "MARK" || !next.hasAttribute("data-md-highlight")) return;
        var found = GAP.exec(gap.data);
        if (!found || (found[1] !== undefined && !connector(found[1]))) return;
        mark.appendChild(gap);
        while (next.firstChild) mark.appendChild(next.firstChild);
        next.remove();
      }
    });
  }

  function highlightWhole() {
    if (!new URLSearchParams(window.location.search).get("h")) return;
    var root = document.querySelector('[data-md-component="content"]') || document.body;
    joinMarks(root);
    // Material marks the page once it has read the search configuration, after this script has run.
    new MutationObserver(function (records) {
      var marked = records.some(function (record) {
        return Array.prototype.some.call(record.addedNodes, function (node) { return node.nodeName === "MARK"; });
      });
      if (marked) joinMarks(root);
    }).observe(root, { childList: true, subtree: true });
  }

  function start() {
    highlightWhole();
    nameSearchDialog();
    hintWideTables();
    var pending = 0;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(hintWideTables);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
