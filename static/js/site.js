// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit, move focus to the error summary so screen readers announce it
    // and keyboard users start from the list of problems (GOV.UK error summary pattern).
    var target = document.querySelector("[data-error-summary], [data-focus-on-load]");
    if (target) {
      target.focus();
    }
    // "Print" buttons are hidden without JavaScript, where the browser's own Print works.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
