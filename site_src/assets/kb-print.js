/* "Print or save as PDF" on briefs and profiles: the button is revealed here, where it can work, and
   opens the browser's print dialog (assets/kb-map.css holds the print style sheet). */
(function () {
  "use strict";

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-kb-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
      button.parentElement.hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
