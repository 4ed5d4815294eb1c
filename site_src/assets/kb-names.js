/* Khorasan Brief: how a name is compared, the same in every script and in the search index.
 *
 * One file for the pages (mkdocs.yml extra_javascript) and the search worker (importScripts in
 * kb-search.js), mirroring generator/export/search_index.py (fold, words, name_key):
 * "IS-K", "is k" and "Is K" are one name, and so are "Wilāyat" and "wilayat"; letters of any script
 * are kept (a name in Arabic or Cyrillic script has a key too).
 *
 * A name in another spelling ("Khurasan", "Mansoor", "Hebatullah") comes to the same spelling key as
 * the name as written: the rules are generator/model/spelling.py's, which the build writes into
 * assets/kb-spelling.js (loaded before this file); without that file no spelling rule applies.
 */
(function (scope) {
  "use strict";

  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  }

  function words(text) {
    return fold(text).match(/[\p{L}\p{N}]+/gu) || [];
  }

  function nameKey(text) {
    return words(text).join(" ");
  }

  var rules = scope.KhorasanSpelling || { connectors: [], word: [], letters: [] };
  var compile = function (flags) {
    return function (rule) { return [new RegExp(rule[0], flags), rule[1]]; };
  };
  var wordRules = rules.word.map(compile("u"));
  var letterRules = rules.letters.map(compile("gu"));

  /* model/spelling.py: spelling_words, spelling_of, spelling_keys. */
  function spellingWords(list) {
    return list.filter(function (word) { return rules.connectors.indexOf(word) < 0; }).map(function (word) {
      return wordRules.reduce(function (w, rule) { return w.replace(rule[0], rule[1]); }, word);
    });
  }

  function spellingOf(joined) {
    var spelled = letterRules.reduce(function (w, rule) { return w.replace(rule[0], rule[1]); }, joined);
    return spelled.replace(/(.)\1+/gu, "$1");
  }

  /* The spelling key of a name, then of each tail of it from its second word on. */
  function spellingKeys(text) {
    var kept = spellingWords(words(text));
    return kept.map(function (_, start) { return spellingOf(kept.slice(start).join("")); });
  }

  function spellingKey(text) {
    return spellingKeys(text)[0] || "";
  }

  // A name only some sources use for a profile comes labelled, "Shahab al-Muhajir (named by The
  // Hindu)" (generator/model/names.py: named_by, spoken_name): the name is what precedes the label.
  function spokenName(label) {
    return label.split(" (named by ")[0];
  }

  /* For a box where a reader types a profile's name (the timeline's and the network's filters):
     `profiles` is [{id, names: [name, alias, ...]}]; the function it returns gives the id of the
     profile a text names, as search would: the name or an alias as written (words, case and accents
     aside), else its spelling as a whole name, else the tail of a name in any spelling ("Mansoor":
     "Akhtar Mansour" rather than "Killing of Akhtar Mansour", the name with fewer words before it),
     else the beginning of a name in any spelling, of three letters or more ("Hebatullah"), when it
     begins the names of one profile only. "" when no profile, or two alike, have it. */
  function finder(profiles) {
    var exact = {}, spelled = {}, tails = {};
    var add = function (table, key, id, rank) {
      if (!key) return;
      var known = table[key];
      if (!known || rank < known.rank) table[key] = { id: id, rank: rank };
      else if (rank === known.rank && known.id !== id) known.id = ""; // two profiles: the text does not say which
    };
    profiles.forEach(function (profile) {
      profile.names.forEach(function (name) {
        add(exact, nameKey(name), profile.id, 0);
        spellingKeys(name).forEach(function (key, i) { add(i ? tails : spelled, key, profile.id, i); });
      });
    });
    var found = function (table, key) { return (Object.prototype.hasOwnProperty.call(table, key) && table[key].id) || ""; };
    var begun = function (spelling) {
      if (spelling.length < 3) return "";
      var ids = {};
      Object.keys(spelled).forEach(function (whole) { if (whole.startsWith(spelling)) ids[spelled[whole].id] = true; });
      var list = Object.keys(ids);
      return list.length === 1 ? list[0] : "";
    };
    return function (text) {
      var key = nameKey(text);
      if (!key) return "";
      var spelling = spellingKey(text);
      return found(exact, key) || found(spelled, spelling) || found(tails, spelling) || begun(spelling);
    };
  }

  /* A word a romanisation writes or leaves out between the parts of a name ("e" of
     "Tehreek-e-Taliban", "al" of "al-Muhajir"): its spelling key is empty (model/spelling.py). */
  function connector(word) {
    return word !== undefined && spellingKey(word) === "";
  }

  /* The connector hyphened to the end of `text` ("… al-", before "Muhajir"), as written; else "". */
  var HYPHENED = /(?:^|[^\p{L}\p{N}])(\p{L}+)[\-\u2010\u2011]$/u;
  function connectorBefore(text) {
    var found = HYPHENED.exec(text.slice(-8));
    return found && connector(found[1]) ? found[1] : "";
  }

  scope.KhorasanNames = {
    fold: fold, words: words, nameKey: nameKey, spokenName: spokenName,
    spellingKey: spellingKey, spellingKeys: spellingKeys, finder: finder,
    connector: connector, connectorBefore: connectorBefore
  };
})(typeof self !== "undefined" ? self : this);
