// Scenario editor: when an author types where a choice leads ("Goes to node"), the skip
// target or the start node, the browser offers the ids of the scenario's nodes as they are
// on the page now, including nodes added since it loaded. Typing any other id still works;
// the graph check on publishing says if it does not exist.
(function () {
  "use strict";
  var LIST_ID = "scenario-node-ids";
  var TARGETS = 'input[name$="-value-target"], input[name$="-value-skip_to"], input[name="start_node"]';
  var shown = null;

  function refresh(form) {
    var ids = [];
    form.querySelectorAll('input[name$="-value-node_id"]').forEach(function (input) {
      var id = input.value.trim();
      if (id && ids.indexOf(id) === -1) {
        ids.push(id);
      }
    });
    var list = document.getElementById(LIST_ID);
    if (!list) {
      list = document.createElement("datalist");
      list.id = LIST_ID;
      form.appendChild(list);
    }
    var key = ids.join("\n");
    if (key !== shown) {
      shown = key;
      list.replaceChildren.apply(
        list,
        ids.map(function (id) {
          var option = document.createElement("option");
          option.value = id;
          return option;
        })
      );
    }
    form.querySelectorAll(TARGETS).forEach(function (input) {
      if (input.getAttribute("list") !== LIST_ID) {
        input.setAttribute("list", LIST_ID);
        input.setAttribute("autocomplete", "off");
      }
    });
  }

  function start() {
    var any = document.querySelector('input[name$="-value-node_id"], input[name="start_node"]');
    var form = any && any.form;
    if (!form) {
      return;
    }
    refresh(form);
    form.addEventListener("input", function (event) {
      if (event.target.name && /-value-node_id$/.test(event.target.name)) {
        refresh(form);
      }
    });
    // Nodes and choices added with the block buttons arrive as new inputs.
    new MutationObserver(function (changes) {
      var added = changes.some(function (change) {
        return Array.prototype.some.call(change.addedNodes, function (node) {
          return node.nodeType === 1 && node.tagName !== "OPTION" && node.id !== LIST_ID;
        });
      });
      if (added) {
        refresh(form);
      }
    }).observe(form, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
