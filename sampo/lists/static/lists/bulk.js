// Row selection for a list's bulk actions. Without JavaScript the form still works: tick rows
// (or "everything that matches") and submit. This adds "select the whole page", the count,
// and keeps the filters the form sends in step with the address bar, which htmx updates when
// a filter changes without reloading the page.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("input[data-bulk-row]"));
  }

  function refresh() {
    var form = document.querySelector("form[data-bulk-form]");
    if (!form) {
      return;
    }
    var all = rows();
    var ticked = all.filter(function (box) { return box.checked; }).length;
    var page = document.querySelector("input[data-bulk-page]");
    if (page) {
      page.checked = all.length > 0 && ticked === all.length;
      page.indeterminate = ticked > 0 && ticked < all.length;
    }
    var everything = form.querySelector("[data-bulk-everything]");
    var everythingBox = everything && everything.querySelector("input");
    var wholePage = all.length > 0 && ticked === all.length;
    if (everything) {
      everything.hidden = !wholePage;
      if (!wholePage) {
        everythingBox.checked = false;
      }
    }
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      if (everythingBox && everythingBox.checked) {
        count.textContent = count.getAttribute("data-everything");
      } else if (ticked) {
        count.textContent = count.getAttribute("data-template").replace("__n__", String(ticked));
      } else {
        count.textContent = "";
      }
    }
    form.classList.toggle("has-selection", ticked > 0);
  }

  function currentQuery() {
    return window.location.search.replace(/^\?/, "");
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-bulk-page]")) {
      rows().forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("input[data-bulk-page], input[data-bulk-row], [data-bulk-everything] input")) {
      refresh();
    }
  });

  // The filters as they are now (htmx pushes them into the address bar).
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-current-query]").forEach(function (input) {
      input.value = currentQuery();
    });
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-with-current-query]");
    if (link) {
      var query = currentQuery();
      link.href = link.href.split("?")[0] + (query ? "?" + query : "");
    }
  }, true);

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSwap", refresh);
  if (document.readyState !== "loading") {
    refresh();
  }
})();
