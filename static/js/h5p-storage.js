// Loaded on the H5P content origin before H5P starts, in the embed page and in the player's
// own iframe. H5P core reads and writes localStorage without guarding against browsers that
// refuse storage to third-party frames (as the player is, on its separate origin); there it
// would stop with "Access is denied". Give it an in-memory stand-in instead: nothing H5P
// keeps there needs to outlive the page.
(function () {
  "use strict";
  try {
    window.localStorage.getItem("upstander-probe");
    return;
  } catch (error) { /* storage refused: fall through to the stand-in */ }
  var items = {};
  var stand_in = {
    getItem: function (key) { return Object.prototype.hasOwnProperty.call(items, key) ? items[key] : null; },
    setItem: function (key, value) { items[key] = String(value); },
    removeItem: function (key) { delete items[key]; },
    clear: function () { items = {}; },
    key: function (index) { return Object.keys(items)[index] || null; },
    get length() { return Object.keys(items).length; }
  };
  try {
    Object.defineProperty(window, "localStorage", { value: stand_in, configurable: true });
  } catch (error) { /* nothing more we can do */ }
})();
