/* Khorasan Brief: the search worker behind Material's search box.
 *
 * Material's page script starts this worker (the "search" address of the page's __config, set in
 * site_src/overrides/main.html) and speaks to it in four messages: SETUP (0) with the search
 * configuration, READY (1) in answer, QUERY (2) with the text of the box at each keystroke, and RESULT
 * (3) with the results, grouped by page, each group led by the page's own entry. Material draws them
 * as usual: the list, keyboard handling, "N more on this page", highlighting on the page opened.
 *
 * Instead of one index of the whole site, this worker reads the few small files of search/kb/ that a
 * query needs (generator/search_index.py writes them and says what they hold): the shards of the
 * query's words and of its name key, the titles of the pages found, and the sections of the first
 * ten, for their excerpts. Nothing is fetched before the first query, and nothing twice.
 *
 * Every name of a profile finds it first, by construction: a query whose words are exactly a name's
 * (its name key: "IS-K", "is k" and "Is K" are one) puts the page of that name first, before any
 * ranking. Words are made here as in search_index.py (fold, words): tests/test_search_worker.py holds
 * the two equal.
 *
 * A name in another romanisation ("Khurasan", "Mansoor") finds its profile next: the index holds each
 * name's spelling key (generator/model/spelling.py; kb-names.js applies the same rules, which the build
 * writes into kb-spelling.js), and a query's spelling key is looked up beside its name key.
 *
 * Every text from the index is set as text: escaped here, with <mark> as the only markup, because
 * Material inserts the strings it gets as HTML.
 */
"use strict";

var INDEX = new URL("../search/kb/", self.location.href);
var SHOWN = 10; // pages whose sections and excerpts are fetched: Material draws ten results at first
var EXCERPT = 240; // characters of text shown for a result
var STOP = new Set((
  "a able about across after all almost also am among an and any are as at be because been but by " +
  "can cannot could dear did do does either else ever every for from get got had has have he her hers " +
  "him his how however i if in into is it its just least let like likely may me might most must my " +
  "neither no nor not of off often on only or other our own rather said say says she should since so " +
  "some than that the their them then there these they this tis to too twas us wants was we were what " +
  "when where which while who whom why will with would yet you your").split(" "));

var options = {};
var meta = null; // the promise of meta.json, fetched at the first query
var files = new Map(); // path -> promise of its JSON
var latest = 0; // the number of the newest query: the answer to an older one is not sent

/* -- words (as generator/export/search_index.py makes them: kb-names.js) ------------------------- */

importScripts("kb-spelling.js", "kb-names.js");
var fold = KhorasanNames.fold;
var words = KhorasanNames.words;
var nameKey = KhorasanNames.nameKey;
var spokenName = KhorasanNames.spokenName;
var spellingKey = KhorasanNames.spellingKey;
var SPELLING = "~"; // a name's spelling key is an entry of its own, after this mark (search_index.py)

function shardFile(key) {
  if (/^[a-z0-9]+$/.test(key)) return key;
  var hex = "_";
  new TextEncoder().encode(key).forEach(function (byte) { hex += (byte < 16 ? "0" : "") + byte.toString(16); });
  return hex;
}

/* -- files ---------------------------------------------------------------------------------------- */

function fetchJSON(url, init) {
  return fetch(url, init).then(function (response) {
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  });
}

function loadMeta() {
  if (!meta) {
    // Revalidated each time a page is opened: the other files are asked for by this version.
    meta = fetchJSON(new URL("meta.json", INDEX).href, { cache: "no-cache" });
    meta.catch(function () { meta = null; });
  }
  return meta;
}

function load(m, path) {
  var known = files.get(path);
  if (!known) {
    known = fetchJSON(new URL(path + "?v=" + m.version, INDEX).href);
    files.set(path, known);
    known.catch(function () { files.delete(path); });
  }
  return known;
}

/* The shards that hold `token` (the one with the longest key it starts with) and, when `expand`,
   the words and names it begins (the shards whose key starts with it). */
function shardsFor(m, token, expand) {
  var found = [], longest = "";
  m.shards.forEach(function (key) {
    if (token.startsWith(key)) {
      if (key.length > longest.length) longest = key;
    } else if (expand && key.startsWith(token)) {
      found.push(key);
    }
  });
  if (longest) found.push(longest);
  return found;
}

/* -- ranking -------------------------------------------------------------------------------------- */

function idf(pages, holding) {
  return Math.log(1 + pages / Math.max(1, holding));
}

/* A term matches a word equal to it, or, being EXPAND letters or longer, a word it begins. */
function matches(term, word, expand) {
  return word === term || (expand && word.startsWith(term));
}

/* page number -> the best score of any word the term matches on that page */
function scoresOf(m, shards, term) {
  var expand = term.length >= m.expand;
  var best = new Map();
  shardsFor(m, term, expand).forEach(function (key) {
    var table = shards.get(key).t;
    var found = expand ? Object.keys(table).filter(function (word) { return word.startsWith(term); }) : (term in table ? [term] : []);
    found.forEach(function (word) {
      var postings = table[word];
      var weight = idf(m.pages, postings.length / 2) * (word === term ? 1 : 0.5 + 0.5 * term.length / word.length);
      for (var i = 0, page = 0; i < postings.length; i += 2) {
        page += postings[i];
        var score = weight * postings[i + 1];
        if (!(best.get(page) >= score)) best.set(page, score);
      }
    });
  });
  return best;
}

/* page number -> its rank by name: 6 a profile's name or alias is the query, 5 the page's title is;
   4 and 3 the same in another spelling ("Khurasan" for "Khorasan": the spelling keys are equal);
   2 and 1 for names (or their spellings) the query begins; 0.5 for a name a tail of which the query
   is, or begins, in any spelling ("Mansoor" for "Akhtar Mansour"). */
function namesOf(m, shards, key, spelled) {
  var tiers = new Map();
  var lookup = function (token, exactTier) {
    var expand = token.length >= m.expand + (token === spelled ? SPELLING.length : 0);
    shardsFor(m, token, expand).forEach(function (shard) {
      var table = shards.get(shard).n;
      Object.keys(table).forEach(function (name) {
        var exact = name === token;
        if (!exact && !(expand && name.startsWith(token))) return;
        var pages = table[name];
        for (var i = 0; i < pages.length; i += 2) {
          var kind = pages[i + 1];
          var tier = kind === 0 ? 0.5 : (exact ? exactTier : 0) + kind;
          if (!(tiers.get(pages[i]) >= tier)) tiers.set(pages[i], tier);
        }
      });
    });
  };
  lookup(key, 4);
  if (spelled.length > SPELLING.length) lookup(spelled, 2);
  return tiers;
}

function rank(m, shards, key, terms) {
  var perTerm = terms.map(function (term) { return scoresOf(m, shards, term); });
  var scores = new Map();
  var all = perTerm.length ? Array.from(perTerm[0].keys()).filter(function (page) {
    return perTerm.every(function (best) { return best.has(page); });
  }) : [];
  if (all.length) {
    all.forEach(function (page) {
      scores.set(page, perTerm.reduce(function (sum, best) { return sum + best.get(page); }, 0));
    });
  } else { // no page holds every word: those that hold most of them
    perTerm.forEach(function (best) {
      best.forEach(function (score, page) { scores.set(page, (scores.get(page) || 0) + score); });
    });
  }
  var tiers = namesOf(m, shards, key, SPELLING + spellingKey(key));
  tiers.forEach(function (_, page) { if (!scores.has(page)) scores.set(page, 0); });
  return Array.from(scores.keys()).map(function (page) {
    return { page: page, tier: tiers.get(page) || 0, score: scores.get(page) };
  }).sort(function (a, b) { return b.tier - a.tier || b.score - a.score || a.page - b.page; });
}

/* -- results -------------------------------------------------------------------------------------- */

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

/* A term matches a word as `matches` says, or in another spelling (model/spelling.py): a word in
   another spelling of the term is marked too, and counts as found, so the reader sees why a name matched. */
function matchesSpelled(term, word, m) {
  var expand = term.length >= m.expand;
  if (matches(term, word, expand)) return true;
  var spelled = spellingKey(term);
  return spelled !== "" && matches(spelled, spellingKey(word), expand);
}

/* The runs of letters in `text` (as written) that a term matches: [start, end] pairs. */
function found(text, terms, m) {
  var spans = [];
  var run = /[\p{L}\p{N}\p{M}]+/gu, match;
  while ((match = run.exec(text))) {
    var hit = words(match[0]).some(function (word) {
      return terms.some(function (term) { return matchesSpelled(term, word, m); });
    });
    if (hit) spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/* Words marked one after the other read as one mark: across spaces, as on the page Material
   highlights, and across the hyphens and connectors of a hyphenated name, so that a hyphenated query
   highlights whole ("Tehreek-e-Taliban" marks "Tehrik-i-Taliban", issue 26); a connector hyphened to
   a marked word ("al-Muhajir") is part of it. khorasan.js does the same on the page opened. */
var GAP = /^[\s\-\u2010\u2011]+(?:(\p{L}+)[\s\-\u2010\u2011]+)?$/u;
var connector = KhorasanNames.connector;

function joined(text, spans) {
  var out = [];
  spans.forEach(function (span) {
    var start = span[0];
    var lead = KhorasanNames.connectorBefore(text.slice(0, start));
    if (lead) start -= lead.length + 1;
    var last = out[out.length - 1];
    var gap = last ? GAP.exec(text.slice(last[1], start)) : null;
    if (last && (last[1] >= start || (gap && (gap[1] === undefined || connector(gap[1]))))) last[1] = Math.max(last[1], span[1]);
    else out.push([start, span[1]]);
  });
  return out;
}

/* HTML of `text` from `start` to `end`, its matches marked. */
function marked(text, spans, start, end) {
  var out = "", at = start;
  joined(text, spans).forEach(function (span) {
    if (span[1] <= start || span[0] >= end) return;
    var from = Math.max(span[0], at), to = Math.min(span[1], end);
    out += escapeHTML(text.slice(at, from)) + "<mark>" + escapeHTML(text.slice(from, to)) + "</mark>";
    at = to;
  });
  return out + escapeHTML(text.slice(at, end));
}

function excerpt(text, spans) {
  if (!text) return "";
  var start = 0;
  if (spans.length && spans[0][1] > EXCERPT) {
    start = text.lastIndexOf(" ", Math.max(0, spans[0][0] - EXCERPT / 3)) + 1;
  }
  var end = Math.min(text.length, start + EXCERPT);
  if (end < text.length) {
    var space = text.lastIndexOf(" ", end);
    if (space > start) end = space;
  }
  return "<p>" + (start > 0 ? "… " : "") + marked(text, spans, start, end) + (end < text.length ? " …" : "") + "</p>";
}

function termsIn(text, terms, m) {
  var present = words(text);
  var result = {};
  terms.forEach(function (term) {
    result[term] = present.some(function (word) { return matchesSpelled(term, word, m); });
  });
  return result;
}

/* The terms, and the words they matched as the section writes them: Material highlights the page
   opened on the words of the terms it is given (its address's "h"), so "Tehrik" is marked there
   when "Tehreek" found it. Added once the score is counted: a form is not another term found. */
function withForms(present, heading, headingSpans, text, spans) {
  var terms = Object.assign({}, present);
  [[heading, headingSpans], [text, spans]].forEach(function (pair) {
    pair[1].forEach(function (span) { terms[pair[0].slice(span[0], span[1]).toLowerCase()] = true; });
  });
  return terms;
}

function count(found) {
  return Object.keys(found).filter(function (term) { return found[term]; }).length;
}

/* Material's group for one page: the page's own entry first, then its sections that match. */
function group(m, hit, row, fragment, terms, key) {
  var url = row[0], title = row[1];
  var titleSpans = found(title, terms, m);
  if (!fragment) {
    var all = {};
    terms.forEach(function (term) { all[term] = true; });
    return [{ location: url, title: marked(title, titleSpans, 0, title.length), text: "", score: hit.score, terms: all }];
  }
  var items = [];
  var total = Math.max(1, terms.length);
  fragment.s.forEach(function (section) {
    var anchor = section[0], heading = section[1], text = section[2];
    var present = termsIn(heading + " " + text, terms, m);
    if (anchor && !count(present)) return;
    var spans = found(text, terms, m);
    var headingSpans = found(heading, terms, m);
    var item = {
      location: anchor ? url + "#" + anchor : url,
      title: marked(heading, headingSpans, 0, heading.length),
      text: excerpt(text, spans),
      score: anchor ? hit.score * count(present) / total : hit.score,
      terms: withForms(present, heading, headingSpans, text, spans)
    };
    if (!anchor && fragment.n.length) {
      // One element per tag: Material lays a tag's children out as flex items, which would space a
      // name's words apart wherever a mark begins or ends.
      // The name the query is, marked whole: the reader sees why the profile came first.
      item.tags = fragment.n.map(function (name) {
        var spoken = spokenName(name);
        var whole = nameKey(spoken) === key || spellingKey(spoken) === spellingKey(key);
        var spans = whole ? [[0, spoken.length]] : found(name, terms, m);
        return "<span>" + marked(name, spans, 0, name.length) + "</span>";
      });
    }
    items.push(item);
  });
  var own = items.filter(function (item) { return item.location === url; });
  var sections = items.filter(function (item) { return item.location !== url; })
    .sort(function (a, b) { return b.score - a.score; });
  return (own.length ? own : [{ location: url, title: marked(title, titleSpans, 0, title.length), text: "", score: hit.score, terms: {} }]).concat(sections);
}

function suggestion(fragment, row, query) {
  var typed = words(query).pop();
  if (!typed) return [];
  var names = fragment ? fragment.n.concat([row[1]]) : [row[1]];
  var word = null;
  names.some(function (name) {
    return words(spokenName(name)).some(function (candidate) {
      if (candidate.length > typed.length && candidate.startsWith(typed)) word = candidate;
      return word !== null;
    });
  });
  return word ? [word] : [];
}

function search(query, number) {
  var all = words(query);
  if (!all.length) return Promise.resolve({ items: [] });
  var key = all.join(" ");
  var terms = Array.from(new Set(all.filter(function (word) { return !STOP.has(word); })));
  // A connector a romanisation writes or leaves out ("Wilayat-e-Khorasan") need not be on the page.
  var kept = terms.filter(function (word) { return spellingKey(word) !== ""; });
  if (kept.length) terms = kept;
  return loadMeta().then(function (m) {
    var spelled = SPELLING + spellingKey(key);
    var wanted = new Set(shardsFor(m, key, key.length >= m.expand));
    if (spelled.length > SPELLING.length) shardsFor(m, spelled, spelled.length >= m.expand + SPELLING.length).forEach(function (k) { wanted.add(k); });
    terms.forEach(function (term) { shardsFor(m, term, term.length >= m.expand).forEach(function (k) { wanted.add(k); }); });
    var keys = Array.from(wanted);
    return Promise.all(keys.map(function (k) { return load(m, "s/" + shardFile(k) + ".json"); })).then(function (loaded) {
      var shards = new Map(keys.map(function (k, i) { return [k, loaded[i]]; }));
      var hits = rank(m, shards, key, terms);
      if (number !== latest) return null; // a newer query has come: fetch nothing more for this one
      var blocks = Array.from(new Set(hits.map(function (hit) { return Math.floor(hit.page / m.block); })));
      var first = hits.slice(0, SHOWN);
      return Promise.all([
        Promise.all(blocks.map(function (b) { return load(m, "p/" + b + ".json"); })),
        // A fragment that cannot be had leaves its result with a title only.
        Promise.all(first.map(function (hit) { return load(m, "f/" + hit.page + ".json").catch(function () { return null; }); }))
      ]).then(function (both) {
        var rows = new Map(blocks.map(function (b, i) { return [b, both[0][i]]; }));
        var row = function (hit) { return rows.get(Math.floor(hit.page / m.block))[hit.page % m.block]; };
        var items = [];
        hits.forEach(function (hit, i) {
          var known = row(hit);
          if (known) items.push(group(m, hit, known, i < SHOWN ? both[1][i] : null, terms, key));
        });
        var result = { items: items };
        if (options.suggest) result.suggest = hits.length ? suggestion(both[1][0], row(hits[0]), query) : [];
        return result;
      });
    });
  });
}

/* -- messages ------------------------------------------------------------------------------------- */

self.addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === 0) { // SETUP
    options = (message.data && message.data.options) || {};
    self.postMessage({ type: 1 }); // READY: nothing is loaded before the first query
  } else if (message.type === 2) { // QUERY
    var number = ++latest;
    search(String(message.data || ""), number).then(function (result) {
      if (result && number === latest) self.postMessage({ type: 3, data: result });
    }, function (error) {
      console.warn("search: " + error);
      if (number === latest) self.postMessage({ type: 3, data: { items: [] } });
    });
  }
});
