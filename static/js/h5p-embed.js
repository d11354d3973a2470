// Runs on the H5P content origin, inside the sandboxed iframe of the module page.
// Starts the h5p-standalone player and relays H5P's xAPI statements and the content height to
// the site. The target origin of postMessage is the site's, so a page that frames this one
// from anywhere else receives nothing (the browser drops the message).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var siteOrigin = config.siteOrigin;
  var container = document.getElementById("h5p-container");

  function send(message) {
    if (window.parent !== window) {
      window.parent.postMessage(message, siteOrigin);
    }
  }

  function reportHeight() {
    send({ type: "upstander-h5p-resize", height: document.documentElement.scrollHeight });
  }

  // h5p-standalone writes the content into an iframe of its own with no title, and leaves
  // that frame's document untitled: a screen reader then announces an unnamed frame
  // (WCAG 2.2 SC 4.1.2 and 2.4.2). Both are named after the activity, as this page is.
  function nameThePlayerFrame() {
    var frame = container.querySelector("iframe");
    if (!frame) { return; }
    frame.title = document.title;
    var inner = frame.contentDocument;
    if (inner && !inner.title) { inner.title = document.title; }
  }

  new H5PStandalone.H5P(container, config.player)
    .then(function () {
      nameThePlayerFrame();
      H5P.externalDispatcher.on("xAPI", function (event) {
        send({ type: "upstander-h5p-xapi", statement: event.data.statement });
      });
      if (window.ResizeObserver) {
        new ResizeObserver(reportHeight).observe(document.body);
      }
      reportHeight();
      send({ type: "upstander-h5p-ready" });
    })
    .catch(function (error) {
      document.getElementById("h5p-error").hidden = false;
      reportHeight();
      if (window.console) { console.error(error); }
    });
})();
