// The column picker of a list: ↑ and ↓ move a column within the list of columns, so the
// order of the ticked boxes is the order the form sends. Delegated from the document, so a
// picker htmx swaps in later works too. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-column-move]");
    if (!button) {
      return;
    }
    var item = button.closest("li");
    var list = item.parentElement;
    var offset = parseInt(button.getAttribute("data-column-move"), 10);
    if (offset < 0 && item.previousElementSibling && item.previousElementSibling.previousElementSibling !== null) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (offset > 0 && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
  });
})();
