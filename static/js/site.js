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
    // Signing out forgets what this tab kept of the person's unsaved work (a reflection, a
    // quiz's answers), so the next person on a shared device does not find it.
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", function () {
        try {
          Object.keys(window.sessionStorage).forEach(function (key) {
            if (key.indexOf("upstander-") === 0) { window.sessionStorage.removeItem(key); }
          });
        } catch (e) { /* storage blocked: nothing was kept */ }
      });
    });
  });
})();
