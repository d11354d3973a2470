// On the module page: receive H5P's xAPI statements from the sandboxed player iframe (on the
// content origin) and post them to the site with the learner's session. Messages are taken
// only from the block's own iframe window and only from the content origin; the embed page
// in turn sends only to the site's origin. The server decides who the actor is and what the
// statement may be about. In the teaching view the block has no statements URL: the relay
// then only sizes the frame, and the teacher's answers go nowhere.
//
// Nothing is lost when a statement cannot be delivered (the learner was signed out after a
// long time without a request, or the connection dropped): each statement gets an id when
// H5P sends it and waits in this tab's sessionStorage, keyed by learner, module, block and
// activity, until the site has it. The relay sends them in order, again after the learner
// signs in and comes back, when the connection returns, or with the next statement; the server
// stores an id it already has only once, and dates each when H5P sent it (the relay says how
// long it waited). Signing out clears them (site.js).
(function () {
  "use strict";
  if (window.upstanderH5PRelay) { return; }
  window.upstanderH5PRelay = true;

  var RETRY_MS = 30000;

  function uuid4() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function init(section) {
    var frame = section.querySelector("iframe");
    if (!frame) { return; }
    var contentOrigin = section.getAttribute("data-content-origin");
    var url = section.getAttribute("data-statements-url");
    var moduleId = parseInt(section.getAttribute("data-module"), 10);
    var status = section.querySelector("[data-h5p-status]");
    var tokenInput = section.querySelector("input[name=csrfmiddlewaretoken]");
    var csrf = tokenInput ? tokenInput.value : "";
    // One key per place in the module: the same activity placed twice keeps each one's own.
    var key = "upstander-h5p-" + section.getAttribute("data-learner") + "-" + moduleId + "-" +
      section.getAttribute("data-block") + "-" + url;
    var queue = Promise.resolve();
    var waiting = false;  // something could not be delivered and is kept
    var retry = null;

    // What waits to be delivered: held here and mirrored in sessionStorage, so it outlives
    // a reload or a sign-in (where storage is refused it lives as long as the page).
    var items = [];
    try { items = JSON.parse(window.sessionStorage.getItem(key) || "[]"); } catch (e) { items = []; }
    if (!Array.isArray(items)) { items = []; }
    function pending() { return items; }
    function store(list) {
      items = list;
      try {
        if (list.length) { window.sessionStorage.setItem(key, JSON.stringify(list)); }
        else { window.sessionStorage.removeItem(key); }
      } catch (e) { /* storage blocked or full: kept in memory only */ }
    }

    function say(text, link) {
      status.textContent = text;
      if (link) {
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.text;
        status.appendChild(document.createTextNode(" "));
        status.appendChild(a);
      }
    }

    function send(item) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        // How long it waited here, by this browser's clock at both ends (so a clock that is
        // wrong does not matter): the site dates it when it happened.
        body: JSON.stringify({
          module: moduleId,
          statement: item.statement,
          id: item.id,
          waited_ms: item.at ? Math.max(0, Math.round(Date.now() - item.at)) : 0
        })
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) { return { delivered: true, body: body }; }
          if (response.status === 403 && body.signed_out) { return { signedOut: true, reason: body.error }; }
          if (response.status === 413) {
            // Too large for the site (or a proxy in front of it, whose page has no reason):
            // it would be as large the next time.
            return { refused: true, reason: body.error || section.getAttribute("data-too-large-message") };
          }
          if (response.status >= 400 && response.status < 500 && body.error) {
            return { refused: true, reason: body.error };  // sending it again would not help
          }
          return { failed: true };  // a server error, or a refusal that is not ours (CSRF)
        });
      }, function () { return { failed: true }; });
    }

    // The module's box under the activities ("Finish this module") and the course's
    // progress at the top were rendered before this activity was done: once it completes,
    // they are fetched afresh (as the scenario player does after an ending), and when the
    // module is now complete the status here says so too, where it is announced.
    function refreshModuleStatus() {
      var box = document.getElementById("module-status");
      if (!box || box.classList.contains("module-status--complete") || !window.DOMParser) { return; }
      fetch(window.location.pathname, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("module-status");
          var current = document.getElementById("module-status");
          if (!fresh || !current) { return; }  // signed out meanwhile: the next visit shows it
          var wasComplete = current.classList.contains("module-status--complete");
          current.replaceWith(fresh);
          var bars = document.querySelectorAll("[data-course-progress]");
          var freshBars = doc.querySelectorAll("[data-course-progress]");
          if (bars.length === freshBars.length) {
            Array.prototype.forEach.call(bars, function (bar, index) { bar.replaceWith(freshBars[index]); });
          }
          var title = fresh.querySelector("h2");
          if (title && !wasComplete && fresh.classList.contains("module-status--complete")) {
            status.appendChild(document.createTextNode(" " + title.textContent.trim() + "."));
          }
        })
        .catch(function () { /* the box is up to date on the next visit */ });
    }

    function flush() {
      var first = pending()[0];
      if (!first) {
        if (waiting) {
          waiting = false;
          if (!section.classList.contains("h5p-activity--complete")) {
            say(section.getAttribute("data-resent-message"));
          }
        }
        return Promise.resolve();
      }
      return send(first).then(function (outcome) {
        if (outcome.delivered || outcome.refused) {
          store(pending().filter(function (item) { return item.id !== first.id; }));
          if (outcome.refused) { say(outcome.reason); }
          if (outcome.delivered && outcome.body.completes) {
            section.classList.add("h5p-activity--complete");
            say(section.getAttribute("data-complete-message"));
            document.dispatchEvent(new CustomEvent("upstander:activity-complete", { detail: outcome.body }));
            refreshModuleStatus();
          }
          return flush();
        }
        waiting = true;
        if (outcome.signedOut) {
          say(section.getAttribute("data-signed-out-message"), {
            href: section.getAttribute("data-sign-in-url"),
            text: section.getAttribute("data-sign-in-label")
          });
          return undefined;
        }
        say(section.getAttribute("data-error-message"));
        if (!retry) {
          retry = window.setTimeout(function () { retry = null; later(); }, RETRY_MS);
        }
        return undefined;
      });
    }

    function later() { queue = queue.then(flush); }

    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow) { return; }
      if (event.origin !== contentOrigin) { return; }
      var data = event.data;
      if (!data || typeof data !== "object") { return; }
      if (data.type === "upstander-h5p-resize") {
        var height = Number(data.height);
        if (height > 0) { frame.style.height = Math.min(Math.max(height, 120), 5000) + "px"; }
      } else if (data.type === "upstander-h5p-xapi" && data.statement && url) {
        // Kept first, then sent in the order H5P sent them, after any still waiting.
        store(pending().concat([{ id: uuid4(), statement: data.statement, at: Date.now() }]));
        later();
      }
    });

    if (url) {
      window.addEventListener("online", later);
      if (pending().length) { waiting = true; later(); }  // kept from before a sign-in
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-h5p-activity]"), init);
})();
