/* The progress matrix's detail panel, for keyboards and phones.

   htmx swaps an enrollment's detail into #panel. On a wide screen the panel sits
   beside the matrix; on a narrow one it would land far below the tapped cell, so
   the style sheet lifts an open panel over the page as a dialog. Either way focus
   moves into the panel, Escape (or its Close button) closes it and focus goes back
   to the cell that opened it; Tab stays inside while it covers the page.
   Without JavaScript every cell is a plain link to the detail page. */
(function () {
  "use strict";

  var opener = null;

  function panel() {
    return document.getElementById("panel");
  }

  function covering(el) {
    return window.getComputedStyle(el).position === "fixed";
  }

  function focusables(el) {
    return Array.prototype.filter.call(
      el.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]"),
      function (node) { return node.offsetParent !== null || node === document.activeElement; }
    );
  }

  function close() {
    var el = panel();
    if (!el || !el.classList.contains("open")) return;
    el.classList.remove("open");
    el.removeAttribute("role");
    el.removeAttribute("aria-modal");
    document.documentElement.classList.remove("panel-open");
    if (opener && document.body.contains(opener)) opener.focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var cell = target.closest(".cell-link");
    if (cell) opener = cell;
    if (target.closest(".panel-close")) {
      event.preventDefault();
      close();
    }
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    var el = panel();
    if (!el || event.detail.target !== el) return;
    el.classList.add("open");
    if (covering(el)) {
      el.setAttribute("role", "dialog");
      el.setAttribute("aria-modal", "true");
      document.documentElement.classList.add("panel-open");
    }
    var heading = el.querySelector("h1, h2");
    var goal = heading || el;
    goal.setAttribute("tabindex", "-1");
    goal.focus();
  });

  document.addEventListener("keydown", function (event) {
    var el = panel();
    if (!el || !el.classList.contains("open")) return;
    if (event.key === "Escape" && (covering(el) || el.contains(document.activeElement))) {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "Tab" || !covering(el)) return;
    var items = focusables(el);
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && (document.activeElement === first || !el.contains(document.activeElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !el.contains(document.activeElement))) {
      event.preventDefault();
      first.focus();
    }
  });
})();
