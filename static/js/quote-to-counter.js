/*
 * Quote-to-counter: select a passage of a post, press "Counter this", and the
 * counterpoint form's quoted-passage field holds that passage, with the form
 * scrolled into view and the counterpoint field ready for typing.
 *
 * Progressive enhancement: without JavaScript (or on a page without the form)
 * the quoted-passage field is an ordinary textarea and nothing here runs.
 * Plain script from our own origin, no inline code and no inline style
 * markup, so it runs under the site's Content-Security-Policy; the button is
 * placed through the CSSOM (element.style), which CSP allows.
 */
(function () {
  "use strict";

  var form = document.getElementById("counterpoint-form");
  var quoteField = document.getElementById("id_quote");
  var postText = document.querySelector(".post-body");
  if (!form || !quoteField || !postText || !window.getSelection) {
    return;
  }

  var GAP = 8; // px between the selection and the button
  var limit = quoteField.maxLength > 0 ? quoteField.maxLength : 0;
  var passage = "";
  var settle = null;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "quote-to-counter";
  button.textContent = "Counter this";
  button.hidden = true;
  button.setAttribute("aria-controls", quoteField.id);
  document.body.appendChild(button);

  function selectedPassage() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return null;
    }
    var range = selection.getRangeAt(0);
    // Only the post's own text can be countered, not the form or the page around it.
    if (!postText.contains(range.startContainer) || !postText.contains(range.endContainer)) {
      return null;
    }
    var text = selection.toString().replace(/\s+/g, " ").trim();
    return text ? { text: text, range: range } : null;
  }

  function hide() {
    button.hidden = true;
    passage = "";
  }

  function show() {
    var selected = selectedPassage();
    if (!selected) {
      hide();
      return;
    }
    passage = selected.text;
    var rects = selected.range.getClientRects();
    var end = rects.length ? rects[rects.length - 1] : selected.range.getBoundingClientRect();
    button.hidden = false;
    var root = document.documentElement;
    var left = window.scrollX + end.right - button.offsetWidth / 2;
    var minLeft = window.scrollX + GAP;
    var maxLeft = window.scrollX + root.clientWidth - button.offsetWidth - GAP;
    button.style.left = Math.round(Math.max(minLeft, Math.min(left, maxLeft))) + "px";
    // Below the selection's last line, where phones do not put their own menu.
    button.style.top = Math.round(window.scrollY + end.bottom + GAP) + "px";
  }

  function clip(text) {
    if (!limit || text.length <= limit) {
      return text;
    }
    var cut = text.slice(0, limit - 1);
    var space = cut.lastIndexOf(" ");
    return (space > limit / 2 ? cut.slice(0, space) : cut) + "…";
  }

  function counter() {
    if (!passage) {
      return;
    }
    quoteField.value = clip(passage);
    quoteField.dispatchEvent(new Event("input", { bubbles: true }));
    hide();
    window.getSelection().removeAllRanges();

    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    form.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
    var next = form.querySelector("#id_body") || quoteField;
    next.focus({ preventScroll: true });
    quoteField.classList.remove("quote-to-counter-filled");
    void quoteField.offsetWidth; // restart the highlight if it is already running
    quoteField.classList.add("quote-to-counter-filled");
  }

  // Keep the reader's selection when the button is pressed with a mouse or finger.
  button.addEventListener("mousedown", function (event) {
    event.preventDefault();
  });
  button.addEventListener("click", counter);

  // One place for every way of selecting (mouse, touch, keyboard): show the
  // button once the selection has settled, hide it when it collapses.
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(settle);
    if (window.getSelection().isCollapsed) {
      if (document.activeElement !== button) {
        hide();
      }
      return;
    }
    settle = window.setTimeout(show, 150);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !button.hidden) {
      hide();
    }
  });
  quoteField.addEventListener("animationend", function () {
    quoteField.classList.remove("quote-to-counter-filled");
  });
  window.addEventListener("resize", function () {
    if (!button.hidden) {
      show();
    }
  });
})();
