// Quiz player enhancements. The quiz works fully without this script (plain form, server
// marking); with it: ordering questions get "Move up" / "Move down" buttons instead of
// position menus, a running count of answered questions, a guard against double submits, and
// answers kept in this tab's sessionStorage, until they are marked, so a reload or a wander
// back loses nothing.
// The page never holds the answer key, so nothing here can mark an answer.
(function () {
  "use strict";

  function announce(region, text) {
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function enhanceOrdering(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-ordering-item]"));
    var total = items.length;
    // Keep the learner's positions after a failed submit; otherwise start from the order shown.
    var chosen = items.every(function (item) {
      return item.querySelector("select").value !== "";
    });
    if (chosen) {
      items.sort(function (a, b) {
        return Number(a.querySelector("select").value) - Number(b.querySelector("select").value);
      });
      items.forEach(function (item) { list.appendChild(item); });
    }
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(live, list.nextSibling);
    list.classList.add("ordering--enhanced");
    var hint = list.closest("[data-question]").querySelector("[data-ordering-hint]");
    if (hint) { hint.textContent = hint.dataset.orderingHint; }

    function sync() {
      var current = list.querySelectorAll("[data-ordering-item]");
      current.forEach(function (item, index) {
        item.querySelector("select").value = String(index + 1);
        item.querySelector("[data-move='up']").disabled = index === 0;
        item.querySelector("[data-move='down']").disabled = index === current.length - 1;
        item.querySelector(".ordering__number").textContent = String(index + 1);
      });
      list.dispatchEvent(new Event("change", { bubbles: true }));
    }

    items.forEach(function (item) {
      var label = item.querySelector(".ordering__label").textContent.trim();
      var select = item.querySelector("select");
      select.closest(".ordering__position").hidden = true;
      var number = document.createElement("span");
      number.className = "ordering__number";
      number.setAttribute("aria-hidden", "true");
      item.insertBefore(number, item.firstChild);
      var controls = document.createElement("span");
      controls.className = "ordering__controls";
      [["up", list.dataset.upLabel || "Move up"], ["down", list.dataset.downLabel || "Move down"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button--secondary button--small";
        button.dataset.move = pair[0];
        button.innerHTML = '<span aria-hidden="true">' + (pair[0] === "up" ? "↑" : "↓") + "</span> " +
          pair[1] + '<span class="visually-hidden">: ' + label.replace(/</g, "&lt;") + "</span>";
        button.addEventListener("click", function () {
          var sibling = pair[0] === "up" ? item.previousElementSibling : item.nextElementSibling;
          if (!sibling) { return; }
          if (pair[0] === "up") { list.insertBefore(item, sibling); } else { list.insertBefore(sibling, item); }
          sync();
          button.focus();
          if (button.disabled) {
            item.querySelector("[data-move='" + (pair[0] === "up" ? "down" : "up") + "']").focus();
          }
          var position = Array.prototype.indexOf.call(list.children, item) + 1;
          announce(live, label + ": " + position + " / " + total);
        });
        controls.appendChild(button);
      });
      item.appendChild(controls);
    });
    sync();
  }

  function answered(fieldset) {
    var kind = fieldset.dataset.kind;
    if (kind === "ordering" || kind === "matching") {
      return Array.prototype.every.call(fieldset.querySelectorAll("select"), function (s) { return s.value !== ""; });
    }
    return fieldset.querySelector("input:checked") !== null;
  }

  function draftKey(attempt) {
    return "upstander-quiz-" + attempt;
  }

  function saveDraft(form) {
    var answers = {};
    form.querySelectorAll("input[name^='q-'], select[name^='q-']").forEach(function (control) {
      if (control.type === "radio" || control.type === "checkbox") {
        if (control.checked) { (answers[control.name] = answers[control.name] || []).push(control.value); }
      } else if (control.value) {
        answers[control.name] = [control.value];
      }
    });
    try { window.sessionStorage.setItem(draftKey(form.dataset.attempt), JSON.stringify(answers)); } catch (e) { /* storage full or blocked */ }
  }

  function restoreDraft(form) {
    var fresh = !form.querySelector("input[name^='q-']:checked") &&
      Array.prototype.every.call(form.querySelectorAll("select[name^='q-']"), function (s) { return s.value === ""; });
    if (!fresh) { return; }  // the server sent back what was entered: that wins
    var answers;
    try { answers = JSON.parse(window.sessionStorage.getItem(draftKey(form.dataset.attempt)) || "null"); } catch (e) { answers = null; }
    if (!answers) { return; }
    form.querySelectorAll("input[name^='q-'], select[name^='q-']").forEach(function (control) {
      var values = answers[control.name] || [];
      if (control.type === "radio" || control.type === "checkbox") {
        control.checked = values.indexOf(control.value) !== -1;
      } else if (values.length) {
        control.value = values[0];
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Once an attempt is marked its answers are saved: the tab need not keep them any longer.
    var marked = document.querySelector("[data-quiz-marked]");
    if (marked) {
      try { window.sessionStorage.removeItem(draftKey(marked.dataset.quizMarked)); } catch (e) { /* storage blocked */ }
    }
    var form = document.querySelector("[data-quiz-form]");
    if (!form) { return; }
    // An editor's preview marks nothing: its form is never sent.
    if (form.hasAttribute("data-quiz-preview")) {
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    }
    if (form.dataset.attempt) {
      restoreDraft(form);
      form.addEventListener("change", function () { saveDraft(form); });
    }
    form.querySelectorAll("[data-ordering]").forEach(enhanceOrdering);

    var progress = document.querySelector("[data-quiz-progress]");
    var questions = form.querySelectorAll("[data-question]");
    function update() {
      var done = Array.prototype.filter.call(questions, answered).length;
      progress.textContent = form.dataset.progressTemplate
        .replace("%(answered)s", done).replace("%(total)s", questions.length);
    }
    if (progress) {
      progress.hidden = false;
      // Announce only on changes the learner makes, not on page load.
      progress.setAttribute("aria-live", "off");
      update();
      progress.setAttribute("aria-live", "polite");
      form.addEventListener("change", update);
    }

    // A second click while the answers are on their way is ignored. The browser says nothing
    // when it gives up on a submit (Stop pressed, the connection dropped), so the guard lifts
    // itself after a while: the learner is never left with a button that does nothing.
    // Sending twice is harmless anyway: the server marks an attempt once.
    var RELEASE_AFTER = 10000;  // milliseconds
    var submitting = false;
    var button = form.querySelector("[data-submit]");
    var idleLabel = button ? button.textContent : "";
    function release() {
      submitting = false;
      if (button) {
        button.removeAttribute("aria-disabled");
        button.classList.remove("button--busy");
        button.textContent = idleLabel;
      }
    }
    form.addEventListener("submit", function (event) {
      if (submitting) {
        event.preventDefault();
        return;
      }
      submitting = true;
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("button--busy");
        button.textContent = button.dataset.busyLabel || idleLabel;
      }
      window.setTimeout(release, RELEASE_AFTER);
    });
  });
})();
