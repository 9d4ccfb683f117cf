/*
 * Disclosure buttons of the phone layout: the header's "Menu" and the list pages'
 * "Filters". A button[data-disclosure] shows or hides the elements named by its
 * aria-controls (each gets .is-open) and says so with aria-expanded. The stylesheet hides
 * the closed parts only on narrow screens and only when the page has run this script
 * (html.js): without JavaScript, and on a desktop, everything is shown and the button is
 * not. Escape closes an open menu and puts the focus back on its button.
 */
(function () {
  "use strict";

  function targets(button) {
    return (button.getAttribute("aria-controls") || "")
      .split(/\s+/)
      .map(function (id) { return id && document.getElementById(id); })
      .filter(Boolean);
  }

  function set(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    targets(button).forEach(function (target) { target.classList.toggle("is-open", open); });
  }

  var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-disclosure]"));
  buttons.forEach(function (button) {
    if (!targets(button).length) return;
    button.hidden = false;
    set(button, button.getAttribute("aria-expanded") === "true");
    button.addEventListener("click", function () {
      set(button, button.getAttribute("aria-expanded") !== "true");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    buttons.forEach(function (button) {
      var open = button.getAttribute("aria-expanded") === "true";
      var inside = targets(button).some(function (t) { return t.contains(document.activeElement); });
      if (open && (inside || document.activeElement === button)) {
        set(button, false);
        button.focus();
      }
    });
  });
})();
