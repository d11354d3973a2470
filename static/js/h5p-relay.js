// On the module page: receive H5P's xAPI statements from the sandboxed player iframe (on the
// content origin) and post them to the site with the learner's session. Messages are taken
// only from the block's own iframe window and only from the content origin; the embed page
// in turn sends only to the site's origin. The server decides who the actor is and what the
// statement may be about. In the teaching view the block has no statements URL: the relay
// then only sizes the frame, and the teacher's answers go nowhere.
(function () {
  "use strict";
  if (window.upstanderH5PRelay) { return; }
  window.upstanderH5PRelay = true;

  function init(section) {
    var frame = section.querySelector("iframe");
    if (!frame) { return; }
    var contentOrigin = section.getAttribute("data-content-origin");
    var url = section.getAttribute("data-statements-url");
    var moduleId = parseInt(section.getAttribute("data-module"), 10);
    var status = section.querySelector("[data-h5p-status]");
    var tokenInput = section.querySelector("input[name=csrfmiddlewaretoken]");
    var csrf = tokenInput ? tokenInput.value : "";
    var queue = Promise.resolve();

    function post(statement) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ module: moduleId, statement: statement })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var error = new Error(body.error || response.status);
            // Refused for who is signed in (signed out in another tab, say): say so, since
            // checking the connection would not help.
            if (response.status === 403 && body.error) { error.reason = body.error; }
            throw error;
          }
          if (body.completes) {
            section.classList.add("h5p-activity--complete");
            status.textContent = section.getAttribute("data-complete-message");
            document.dispatchEvent(new CustomEvent("upstander:activity-complete", { detail: body }));
          }
        });
      }).catch(function (error) {
        status.textContent = error.reason || section.getAttribute("data-error-message");
      });
    }

    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow) { return; }
      if (event.origin !== contentOrigin) { return; }
      var data = event.data;
      if (!data || typeof data !== "object") { return; }
      if (data.type === "upstander-h5p-resize") {
        var height = Number(data.height);
        if (height > 0) { frame.style.height = Math.min(Math.max(height, 120), 5000) + "px"; }
      } else if (data.type === "upstander-h5p-xapi" && data.statement && url) {
        // One at a time, in the order H5P sent them.
        queue = queue.then(function () { return post(data.statement); });
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-h5p-activity]"), init);
})();
