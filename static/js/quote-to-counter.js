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
  // The form leaves maxlength off its textareas (browsers cut pasted text
  // silently) and refuses an over-long quote instead; a selected passage is
  // shortened here to fit counterpoints.models.QUOTE_MAX_LENGTH.
  var limit = parseInt(quoteField.getAttribute("data-max-length"), 10) ||
    (quoteField.maxLength > 0 ? quoteField.maxLength : 1000);
  var passage = "";
  var settle = null;

  var button = document.createElement("button");
  button.type = "button";
  button.className = "quote-to-counter";
  // The label comes translated from the template (counterpoints/form.html).
  button.textContent = form.getAttribute("data-quote-label") || "Counter this";
  button.hidden = true;
  button.setAttribute("aria-controls", quoteField.id);
  document.body.appendChild(button);

  function selectedPassage() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
      return null;
    }
    var range = selection.getRangeAt(0);
    // Only the post's own text can be countered, not the page around it.
    if (!range.intersectsNode(postText)) {
      return null;
    }
    var startsInside = postText.contains(range.startContainer);
    var endsInside = postText.contains(range.endContainer);
    if (!startsInside || !endsInside) {
      // A selection that runs over the edge of the post (a triple click on
      // the last paragraph ends in the next element) snaps to the post text;
      // the snapped selection is measured again when it settles.
      var inside = range.cloneRange();
      if (!startsInside) {
        inside.setStart(postText, 0);
      }
      if (!endsInside) {
        inside.setEnd(postText, postText.childNodes.length);
      }
      if (inside.collapsed || !inside.toString().trim()) {
        return null;
      }
      selection.removeAllRanges();
      selection.addRange(inside);
      return null;
    }
    var text = selection.toString().replace(/\s+/g, " ").trim();
    return text ? { text: text, range: range } : null;
  }

  // The passage stays remembered while hidden: on touch screens the selection
  // may collapse between the tap and the click, and the click must still work.
  function hide() {
    button.hidden = true;
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
    if (text.length <= limit) {
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
    passage = "";
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
