/* Note tooltips only where the reader can hover (issue 26, section 2).

   Material's content.footnote.tooltips shows a note's reference when the pointer rests on its marker.
   On a device that cannot hover (a phone), a tap on the marker follows its link to the note instead,
   so the tooltips never show there; but Material still sets one up on every marker when the page
   loads, which on a long profile (ISIS-K: over a hundred markers) is about half of its script time on
   a phone. This script runs just before Material's bundle (overrides/main.html, block scripts) and,
   where the primary pointer cannot hover, takes the feature out of the configuration the bundle
   reads. Nothing else changes: the markers stay links to the notes. */
(function () {
  if (!window.matchMedia || window.matchMedia("(hover: hover)").matches) return;
  var element = document.getElementById("__config");
  if (!element) return;
  try {
    var config = JSON.parse(element.textContent);
    config.features = (config.features || []).filter(function (feature) {
      return feature !== "content.footnote.tooltips";
    });
    element.textContent = JSON.stringify(config);
  } catch (error) {
    /* A configuration this script cannot read is left to Material as it is. */
  }
})();
