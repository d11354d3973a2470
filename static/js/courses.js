// Progressive enhancement for module pages: a checklist saves each tick as it is made.
// Without JavaScript the "Save my ticks" button posts the same form. Ticks not yet saved and
// a reflection being written are kept in this tab until the page shows them saved.
(function () {
  "use strict";
  // The ticks are also kept in this tab's storage (per person and checklist) until the site
  // has them: ticked after the sign-in ended, or while offline, they are put back and sent
  // when the page is next opened signed in. Messages come from the page, in its language.
  document.querySelectorAll("form[data-checklist]").forEach(function (form) {
    var status = form.querySelector("[data-checklist-status]");
    var button = form.querySelector("button[type=submit]");
    if (!form.action || !window.fetch) { return; }
    var key = "upstander-checklist-" + form.getAttribute("data-learner") + "-" + form.getAttribute("action");
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=item]"));

    function message(name) { return form.getAttribute("data-" + name + "-message") || ""; }
    function ticked() {
      return boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    }
    function keep(items) {
      try {
        if (items === null) { window.sessionStorage.removeItem(key); }
        else { window.sessionStorage.setItem(key, JSON.stringify(items)); }
      } catch (e) { /* storage blocked or full: the page still saves as before */ }
    }
    function kept() {
      try { return JSON.parse(window.sessionStorage.getItem(key)); } catch (e) { return null; }
    }
    function say(text, link) {
      status.textContent = text;
      if (link) {
        var a = document.createElement("a");
        a.href = link;
        a.textContent = message("sign-in");
        status.appendChild(document.createTextNode(" "));
        status.appendChild(a);
      }
    }
    // One save at a time: two sent together may reach the server in either order, and the
    // one that arrives last is what is kept. A tick made while a save is on its way is sent
    // when that save is answered, with every tick then on the page.
    var sending = false;
    var waiting = null;
    function save(restored) {
      if (sending) {
        keep(ticked());
        waiting = waiting || restored;
        return;
      }
      sending = true;
      var sent = ticked();
      keep(sent);
      say(message("saving"));
      function answered() {
        sending = false;
        if (waiting === null) { return false; }
        var again = waiting;
        waiting = null;
        save(again);
        return true;
      }
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (answered()) { return; }  // the later ticks are on their way: they say how it went
          if (response.ok) {
            if (ticked().join() === sent.join()) { keep(null); }
            // A notice: an item was taken off the checklist since the page was opened.
            say(data.notice || (restored ? message("restored") : message("saved").replace("{count}", data.ticked.length)));
          } else if (response.status === 403 && data.signed_out) {
            say(message("signed-out"), form.getAttribute("data-sign-in-url"));
          } else if (response.status >= 400 && response.status < 500 && data.error) {
            keep(null);  // refused: sending the same ticks again would not help
            say(data.error);
          } else {
            say(message("failed"));
          }
        });
      }, function () {
        if (!answered()) { say(message("failed")); }
      });
    }

    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { save(false); }
    });
    if (button) { button.classList.add("button--secondary"); }

    window.addEventListener("online", function () {
      if (kept() !== null) { save(true); }  // ticked while the connection was down
    });
    var before = kept();
    if (Array.isArray(before)) {
      if (before.join() === ticked().join()) {
        keep(null);  // the page already shows them saved
      } else {
        boxes.forEach(function (box) { box.checked = before.indexOf(box.value) !== -1; });
        save(true);
      }
    }
  });

  // An answer sent after one's sign-in had ended is not saved; after signing in again the
  // page comes back with the old answer (or none). The words typed are kept in this tab's
  // storage and put back, with a note, until the page shows them saved.
  document.querySelectorAll("form[data-reflection]").forEach(function (form) {
    var box = form.querySelector("textarea");
    var note = form.querySelector("[data-reflection-restored]");
    // Per person as well as per prompt: only the one who typed them gets the words back.
    var key = "upstander-reflection-" + form.getAttribute("data-reflection") + "-" + form.getAttribute("action");
    var kept = null;
    try { kept = window.sessionStorage.getItem(key); } catch (e) { return; }  // storage blocked
    if (kept !== null && kept !== box.value) {
      box.value = kept;
      if (note) { note.hidden = false; }
    } else if (kept !== null) {
      window.sessionStorage.removeItem(key);  // saved: nothing to keep
    }
    box.addEventListener("input", function () {
      try { window.sessionStorage.setItem(key, box.value); } catch (e) { /* storage full */ }
    });
  });
})();
