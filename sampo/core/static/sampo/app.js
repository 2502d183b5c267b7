// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  function isTyping(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    // "/" focuses the page's search box, as in most web apps.
    if (event.key === "/" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey) {
      var search = document.querySelector("[data-global-search], form[role=search] input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
    // Ctrl+Enter (Cmd+Enter on a Mac) submits the form being filled in.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      var form = event.target.closest && event.target.closest("form");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  });

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) {
      form.requestSubmit();
    }
  });

  // A click outside an open dropdown closes it.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (details) {
      if (!details.contains(event.target)) {
        details.removeAttribute("open");
      }
    });
  });

  // A button with data-copy="ID" copies that field's value (a link to paste elsewhere).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || button.textContent;
      });
    }
  });

  // A formset's "add a row" button: a copy of its empty row, numbered after the last one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-formset-add]");
    if (!button) {
      return;
    }
    var formset = button.closest("[data-formset]");
    var total = formset.querySelector("input[name$='-TOTAL_FORMS']");
    var template = formset.querySelector("template[data-formset-empty]");
    var number = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(number));
    var row = holder.firstElementChild;
    formset.querySelector("[data-formset-rows]").appendChild(row);
    total.value = String(number + 1);
    var first = row.querySelector("input[type=text], input:not([type]), select");
    if (first) {
      first.focus();
    }
  });

  document.documentElement.classList.add("js");
})();
