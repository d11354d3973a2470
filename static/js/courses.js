// Progressive enhancement for module pages: a checklist saves each tick as it is made.
// Without JavaScript the "Save my ticks" button posts the same form.
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
})();
