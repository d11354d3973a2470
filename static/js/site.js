// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit, move focus to the error summary so screen readers announce it
    // and keyboard users start from the list of problems (GOV.UK error summary pattern).
    var target = document.querySelector("[data-error-summary], [data-focus-on-load]");
    if (target) {
      target.focus();
      // A page opened at a #fragment (a block a form saved) moves focus back to the page as
      // it scrolls there: focus the target again once that is done.
      window.addEventListener("load", function () {
        if (document.activeElement === document.body) {
          target.focus();
        }
      });
    }
    // "Print" buttons are hidden without JavaScript, where the browser's own Print works.
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    // A date field's hint shows how to type a date by hand ("For example 31/12/2026"). Where
    // the browser has its own date picker, which shows dates the way the device is set (a
    // device set to US English shows 12/31/2026), the hint is not needed and could
    // contradict it, so it goes, and the field is no longer described by it.
    document.querySelectorAll("input[data-typed-date-hint]").forEach(function (input) {
      if (input.type !== "date") { return; }  // no picker: a plain text box, where it helps
      var hintId = input.id + "_helptext";
      var hint = document.getElementById(hintId);
      if (hint) { hint.remove(); }
      var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && id !== hintId;
      });
      if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
      else { input.removeAttribute("aria-describedby"); }
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
