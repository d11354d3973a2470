// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit, move focus to the error summary so screen readers announce it
    // and keyboard users start from the list of problems (GOV.UK error summary pattern).
    // Failing that (or what a page marks data-focus-on-load), to the message saying what
    // the action that led here did: present when the page loads, it would not be announced
    // by itself. Not on a page opened at a #fragment, which leads back to the part acted on.
    var target =
      document.querySelector("[data-error-summary], [data-focus-on-load]") ||
      (window.location.hash ? null : document.querySelector("[data-message]"));
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
    // A link in the error summary moves focus to its field, with the field's label or
    // question in view, but leaves the address alone: a #fragment kept there would follow
    // the corrected form to the page it leads to, which would open scrolled to (and
    // focused on) that field, past the message saying it worked.
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (!field) { return; }
        event.preventDefault();
        // A problem's row in a table of them (the roster import) takes focus too.
        if (!field.matches("input, select, textarea, button, a[href], [tabindex]")) {
          field.setAttribute("tabindex", "-1");
        }
        (field.closest("fieldset, .field") || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
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
    // Before a sign-in ends for want of use (a pupil writing a long answer sends nothing),
    // warn and offer to stay signed in; once it has ended, say so (WCAG 2.2.1).
    var warning = document.querySelector("dialog[data-session-warning]");
    if (warning && typeof warning.showModal === "function") {
      var WARN_BEFORE = 120;  // seconds: the message says "about 2 minutes"
      // Counted from now on this device's clock: the server sends how long, not until when.
      var ends = Date.now() / 1000 + Number(warning.getAttribute("data-seconds-left"));
      var timer = null;
      var schedule = function () {
        window.clearTimeout(timer);
        var left = ends - Date.now() / 1000;
        if (left <= 0) { check(); return; }
        timer = window.setTimeout(check, 1000 * (left > WARN_BEFORE ? left - WARN_BEFORE : left));
      };
      // The same person may be using the site in another tab, which keeps the sign-in going:
      // before warning, or saying they were signed out, ask the server how long is left
      // (asking does not renew it). Offline, go by this page's own count.
      var realFetch = window.fetch;
      var check = function () {
        var settle = function (secondsLeft) {
          if (secondsLeft !== null) { ends = Date.now() / 1000 + secondsLeft; }
          var left = ends - Date.now() / 1000;
          if (left <= 0) { signedOut(); return; }
          if (left > WARN_BEFORE) {
            if (warning.open) { warning.close(); }
            schedule();
            return;
          }
          warn();
        };
        if (!realFetch) { settle(null); return; }
        realFetch.call(window, warning.getAttribute("data-left-url"), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" }
        }).then(function (response) {
          if (response.status === 403) { settle(0); return; }
          return response.json().then(function (data) {
            settle(response.ok && typeof data.seconds_left === "number" ? data.seconds_left : null);
          });
        }).catch(function () { settle(null); });
      };
      var warn = function () {
        if (!warning.open) { warning.showModal(); }
        warning.querySelector("[data-session-stay]").focus();
        schedule();
      };
      var signedOut = function () {
        window.clearTimeout(timer);
        warning.querySelector("[data-session-warning-title]").textContent = warning.getAttribute("data-signed-out-title");
        warning.querySelector("[data-session-warning-message]").textContent = warning.getAttribute("data-signed-out-message");
        warning.querySelector("[data-session-stay]").hidden = true;
        var link = warning.querySelector("[data-session-sign-in]");
        link.hidden = false;
        if (!warning.open) { warning.showModal(); }
        link.focus();
      };
      var stay = function () {
        var token = document.querySelector("form[data-sign-out] [name=csrfmiddlewaretoken]");
        fetch(warning.getAttribute("data-stay-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
        }).then(function (response) {
          return response.json().then(function (data) {
            if (response.ok && data.seconds_left) {
              ends = Date.now() / 1000 + data.seconds_left;
              warning.close();
              schedule();
            } else {
              signedOut();
            }
          });
        }).catch(function () { schedule(); });  // offline: the warning stays until it ends
      };
      // A request this page's scripts make (a scenario choice, a checklist tick) renews the
      // sign-in too, once a sixth of the allowance has passed since it was last renewed.
      var allowance = Number(warning.getAttribute("data-allowance"));
      if (window.fetch && allowance) {
        var fetchFirst = window.fetch;
        window.fetch = function () {
          return fetchFirst.apply(this, arguments).then(function (response) {
            var url = new URL(response.url || "", window.location.href);
            if (response.ok && !response.redirected && url.origin === window.location.origin && !warning.open) {
              ends = Math.max(ends, Date.now() / 1000 + allowance * 5 / 6);
              schedule();
            }
            return response;
          });
        };
      }
      warning.querySelector("[data-session-stay]").addEventListener("click", stay);
      // Escape closes the warning: the person is there, so that counts as staying.
      warning.addEventListener("cancel", function (event) {
        if (!warning.querySelector("[data-session-stay]").hidden) { event.preventDefault(); stay(); }
      });
      schedule();
    }
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
