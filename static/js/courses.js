// Progressive enhancement for module pages: a checklist saves each tick as it is made.
// Without JavaScript the "Save my ticks" button posts the same form. A reflection being
// written is kept in this tab until the page shows it saved.
(function () {
  "use strict";
  document.querySelectorAll("form[data-checklist]").forEach(function (form) {
    var status = form.querySelector("[data-checklist-status]");
    var button = form.querySelector("button[type=submit]");
    if (!form.action || !window.fetch) { return; }
    function save() {
      status.textContent = "Saving…";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || "Could not save"); }
          status.textContent = "Saved: " + data.ticked.length + " ticked";
        });
      }).catch(function (error) {
        status.textContent = error.message.replace(/\.$/, "") + ". Use the Save button to try again.";
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { save(); }
    });
    if (button) { button.classList.add("button--secondary"); }
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
