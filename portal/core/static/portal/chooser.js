/*
 * Searchable selects (portal/core/widgets.py): every <select data-chooser> becomes a
 * Tom Select search box — type a name or a code, arrows and Enter to choose, Backspace to
 * remove. Without JavaScript the plain <select> stays and submits the same values. Its
 * words come translated from the page (data-chooser-* attributes). Selects added later
 * (a new row of a Wagtail inline panel) are found by a MutationObserver.
 */
(function () {
  "use strict";
  if (!window.TomSelect) return;

  function enhance(select) {
    if (select.tomselect || select.closest("template")) return;
    // A row template of a Wagtail inline panel ("__prefix__") is cloned later: skip it.
    if ((select.name || "").indexOf("__prefix__") !== -1) return;
    var multiple = select.multiple;
    var words = select.dataset;
    var label = select.labels && select.labels[0];
    new window.TomSelect(select, {
      plugins: multiple ? { remove_button: { title: words.chooserRemove || "" } } : [],
      maxOptions: null,
      searchField: ["text", "value"],
      lockOptgroupOrder: true,
      allowEmptyOption: !multiple,
      hidePlaceholder: multiple,
      placeholder: words.chooserPlaceholder || "",
      closeAfterSelect: !multiple,
      render: {
        no_results: function () {
          var box = document.createElement("div");
          box.className = "no-results";
          box.textContent = words.chooserNoResults || "";
          return box;
        },
      },
    });
    // Tom Select moves the label onto its search box; the <select> it keeps (hidden,
    // but still read by assistive technology) keeps its name through the same label.
    if (label) {
      if (!label.id) label.id = (select.id || select.name) + "-label";
      select.setAttribute("aria-labelledby", label.id);
    }
  }

  function scan(root) {
    if (root.matches && root.matches("select[data-chooser]")) enhance(root);
    if (root.querySelectorAll) root.querySelectorAll("select[data-chooser]").forEach(enhance);
  }

  function start() {
    scan(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) { change.addedNodes.forEach(scan); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
