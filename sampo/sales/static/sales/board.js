// The kanban: a card dropped into another column is moved at once (a POST to the server),
// and put back where it was, with the server's reason, if the move is refused. No inline
// scripts: the CSP forbids them, so the board is wired up from here. The filters swap the
// board in place (htmx), so it is wired again whenever a new board arrives.
import Sortable from "../vendor/sortablejs/sortable.core.esm.js";

// Columns already wired; a swapped or history-restored board brings new elements.
const wired = new WeakSet();

function currentBoard() {
  return document.querySelector("[data-board]");
}

// Looked up each time: a history restore replaces the page's elements.
function errorBox() {
  return document.querySelector("[data-board-error]");
}

function showError(message, planUrl) {
  const board = currentBoard();
  const box = errorBox();
  box.textContent = message + " ";
  if (planUrl) {
    const link = document.createElement("a");
    link.href = planUrl;
    link.textContent = board.dataset.planLabel;
    box.append(link);
  }
  box.hidden = false;
}

function putBack(event) {
  const { item, from, oldIndex } = event;
  from.insertBefore(item, from.children[oldIndex] || null);
}

function refreshHeads(heads) {
  const board = currentBoard();
  for (const [stage, html] of Object.entries(heads)) {
    const head = board.querySelector(`[data-column-head="${stage}"]`);
    if (head) {
      head.innerHTML = html; // rendered and escaped by the server's template
    }
  }
}

async function move(event) {
  const board = currentBoard();
  const card = event.item;
  const body = new FormData();
  body.append("stage", event.to.dataset.stage);
  body.append("version", card.dataset.version);
  card.classList.add("is-saving");
  errorBox().hidden = true;
  try {
    // The column heads come back counted with the board's filters.
    const query = board.dataset.filterQuery ? "?" + board.dataset.filterQuery : "";
    const response = await fetch(card.dataset.moveUrl + query, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": board.dataset.csrf, Accept: "application/json" },
      credentials: "same-origin",
    });
    const answer = await response.json();
    if (!response.ok) {
      putBack(event);
      showError(answer.error || board.dataset.moveFailed, answer.plan_url);
      return;
    }
    card.dataset.version = answer.version;
    refreshHeads(answer.heads);
  } catch (error) {
    putBack(event);
    showError(board.dataset.moveFailed);
  } finally {
    card.classList.remove("is-saving");
  }
}

function wire() {
  const board = currentBoard();
  if (!board) {
    return;
  }
  board.querySelectorAll("[data-stage]").forEach((column) => {
    if (wired.has(column)) {
      return;
    }
    wired.add(column);
    Sortable.create(column, {
      group: "board",
      draggable: "[data-card]",
      // Pointer events rather than the browser's own drag and drop: the same on mouse and
      // touch, and a touch must rest a moment before it drags, so that the page still scrolls.
      forceFallback: true,
      fallbackTolerance: 3,
      delay: 150,
      delayOnTouchOnly: true,
      animation: 120,
      ghostClass: "card-ghost",
      chosenClass: "card-chosen",
      onEnd(event) {
        if (event.from !== event.to) {
          move(event);
        }
      },
    });
  });
}

wire();
document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt && event.detail.elt.matches && event.detail.elt.matches("[data-board]")) {
    errorBox().hidden = true; // a message about the board that was there before
  }
  wire();
});
document.body.addEventListener("htmx:historyRestore", wire);
