/*
 * Quote-to-counter on a claim: when the passage a reader counters lies inside
 * a claim (div.claim#claim-<key>), the counterpoint form's claim choice is set
 * to that claim. Works beside quote-to-counter.js, listening for clicks on its
 * "Counter this" button; without JavaScript the choice is an ordinary select.
 */
(function () {
  "use strict";

  var choice = document.getElementById("id_claim");
  var postText = document.querySelector(".post-body");
  if (!choice || !postText || !window.getSelection) {
    return;
  }
  var lastKey = null;

  function claimOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var claim = element && element.closest(".claim[id^='claim-']");
    return claim && postText.contains(claim) ? claim.id.slice("claim-".length) : null;
  }

  // Remembered while the selection lasts: on touch screens it may collapse
  // between the tap and the click.
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && selection.rangeCount) {
      lastKey = claimOf(selection.getRangeAt(0).commonAncestorContainer);
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".quote-to-counter")) {
      return;
    }
    var known = Array.prototype.some.call(choice.options, function (option) {
      return option.value === lastKey;
    });
    choice.value = known ? lastKey : "";
  });
})();
