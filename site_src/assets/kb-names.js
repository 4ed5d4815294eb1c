/* Khorasan Brief: how a name is compared, the same in every script and in the search index.
 *
 * One file for the pages (mkdocs.yml extra_javascript) and the search worker (importScripts in
 * kb-search.js), mirroring generator/export/search_index.py (fold, words, name_key):
 * "IS-K", "is k" and "Is K" are one name, and so are "Wilāyat" and "wilayat"; letters of any script
 * are kept (a name in Arabic or Cyrillic script has a key too).
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

  // A name only some sources use for a profile comes labelled, "Shahab al-Muhajir (named by The
  // Hindu)" (generator/model/names.py: named_by, spoken_name): the name is what precedes the label.
  function spokenName(label) {
    return label.split(" (named by ")[0];
  }

  scope.KhorasanNames = { fold: fold, words: words, nameKey: nameKey, spokenName: spokenName };
})(typeof self !== "undefined" ? self : this);
