// Scenario player: submit choices without a full page reload.
// Without this script the forms still work (POST, redirect, GET).
(function () {
  "use strict";

  if (window.upstanderScenarioPlayer) return; // one handler, however many players
  window.upstanderScenarioPlayer = true;

  // An ending may complete the scenario and the module: refresh the scenario block's tags, the
  // page's module status box and the course's progress in place.
  function refreshModuleStatus(player) {
    var status = document.getElementById("module-status");
    if (!status) return;
    var wasComplete = status.classList.contains("module-status--complete");
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("module-status");
        if (!fresh) return;
        status.replaceWith(fresh);
        // The course's progress at the top of the page counts this module too.
        var bars = document.querySelectorAll("[data-course-progress]");
        var freshBars = doc.querySelectorAll("[data-course-progress]");
        if (bars.length === freshBars.length) {
          Array.prototype.forEach.call(bars, function (bar, index) { bar.replaceWith(freshBars[index]); });
        }
        // So does the "Completed" tag above this scenario's player, in its block.
        var block = player && player.closest(".module-block[id]");
        var tag = block && block.querySelector(".scenario-block__eyebrow");
        var freshBlock = block && doc.getElementById(block.id);
        var freshTag = freshBlock && freshBlock.querySelector(".scenario-block__eyebrow");
        if (tag && freshTag) tag.replaceWith(freshTag);
        // The ending completed the module: say so where the player speaks (the box that
        // shows it is further down the page, and replacing it is not announced).
        var live = player && player.querySelector(".scenario-player__live");
        var title = fresh.querySelector("h2");
        if (live && title && !wasComplete && fresh.classList.contains("module-status--complete")) {
          var said = document.createElement("p");
          said.textContent = title.textContent;
          live.appendChild(said);
        }
      })
      .catch(function () { /* the box updates on the next visit */ });
  }

  function enhance(root) {
    root.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("scenario-form")) return;
      var player = form.closest("[data-scenario-player]");
      if (!player) return;
      event.preventDefault();
      if (player.getAttribute("aria-busy") === "true") return; // a second click is ignored
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      player.setAttribute("aria-busy", "true");
      Array.prototype.forEach.call(player.querySelectorAll("button"), function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          // Anything but a player (a sign-in page reached by a redirect, say) is not shown
          // in its place: the form is sent the ordinary way instead.
          if (!fresh || !fresh.hasAttribute("data-scenario-player")) throw new Error("not a player");
          player.replaceWith(fresh);
          if (fresh.querySelector(".scenario-ending")) refreshModuleStatus(fresh);
          // Where a reader should carry on: a notice (a stale choice) first, then the
          // feedback on the choice just made, which comes before what happens next.
          var focus = fresh.querySelector(".scenario-notice") ? fresh.querySelector(".scenario-player__live")
            : fresh.querySelector(".scenario-feedback") || fresh.querySelector("[data-scenario-focus]");
          if (focus) {
            if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
            focus.focus();
          }
        })
        .catch(function () {
          // Fall back to an ordinary submission so nothing is lost.
          if (event.submitter && event.submitter.name) {
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = event.submitter.name;
            hidden.value = event.submitter.value;
            hidden.setAttribute("data-scenario-fallback", "");
            form.appendChild(hidden);
          }
          form.submit();
        });
    });
  }

  // Back (or Forward) to a page left by a form sent the ordinary way may restore it from
  // the browser's back/forward cache as it was left: the player busy, its buttons off and the
  // choice in a hidden field. Make it ready for a choice again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-scenario-player][aria-busy='true']"), function (player) {
      player.removeAttribute("aria-busy");
      Array.prototype.forEach.call(player.querySelectorAll("button"), function (b) { b.disabled = false; });
      Array.prototype.forEach.call(player.querySelectorAll("[data-scenario-fallback]"), function (field) { field.remove(); });
    });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
