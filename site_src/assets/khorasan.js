/* Khorasan Brief: what every page shares, and search by any name.
 *
 * Loaded as a file on every page (mkdocs.yml extra_javascript); there is no inline script anywhere,
 * so a strict Content-Security-Policy ("script-src 'self'") can be set. Every text taken from the
 * data is set as text (textContent, canvas labels), never as markup.
 *
 * Shared (window.KhorasanBrief, for kb-network.js and kb-timeline.js): where graph.json is, one fetch
 * of it per page, and the vendored Cytoscape library, loaded only by a page that draws a graph.
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

  // One fetch of graph.json and one load of the library per page, for every script of the site.
  window.KhorasanBrief = { graphUrl: GRAPH_URL, loadGraph: loadGraph, loadLibrary: loadLibrary };

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
    exactNameFirst();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
