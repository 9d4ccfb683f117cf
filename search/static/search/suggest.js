// The header search box's suggestions (the ARIA 1.2 combobox pattern with a listbox):
// items the user may see, best first, the typed words marked, and a last row opening every
// result. Focus stays in the box; Up/Down choose (aria-activedescendant), Enter opens the
// chosen row (or searches when none is chosen), Escape closes the list.
// The server sends titles as parts ({text, mark}); they become text nodes and <mark>
// elements here, so no markup from the server is ever parsed.
(function () {
  "use strict";
  var input = document.getElementById("header-search-q");
  if (!input || !window.fetch) return;
  var form = input.form;
  var url = form.getAttribute("data-suggest-url") || "/search/suggest/";
  var list = document.createElement("ul");
  list.id = "header-search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
  list.hidden = true;
  form.appendChild(list);
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  var timer = null;
  var asked = 0;
  var active = -1;

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }

  function choose(index) {
    var rows = options();
    rows.forEach(function (row, at) {
      row.setAttribute("aria-selected", String(at === index));
    });
    active = index;
    if (index >= 0 && rows[index]) {
      input.setAttribute("aria-activedescendant", rows[index].id);
      rows[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    choose(-1);
  }

  function open(row) {
    window.location.assign(row.getAttribute("data-url"));
  }

  function marked(parts) {
    var title = document.createElement("span");
    title.className = "suggestion-title";
    (parts || []).forEach(function (part) {
      var node = part.mark ? document.createElement("mark") : null;
      var text = document.createTextNode(part.text);
      if (node) {
        node.appendChild(text);
        title.appendChild(node);
      } else {
        title.appendChild(text);
      }
    });
    return title;
  }

  function row(id, target, content, className) {
    var item = document.createElement("li");
    item.id = id;
    item.className = className;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.setAttribute("data-url", target);
    content.forEach(function (node) { item.appendChild(node); });
    return item;
  }

  function show(data) {
    var suggestions = data.suggestions || [];
    list.textContent = "";
    suggestions.forEach(function (s, at) {
      var kind = document.createElement("span");
      kind.className = "suggestion-type";
      kind.textContent = s.type_label;
      list.appendChild(row("header-search-option-" + at, s.url, [marked(s.title_parts), kind], "suggestion"));
    });
    if (data.all) {
      var label = document.createElement("span");
      label.className = "suggestion-title";
      label.textContent = data.all.label;
      list.appendChild(row("header-search-option-all", data.all.url, [label], "suggestion suggestion--all"));
    }
    choose(-1);
    list.hidden = options().length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
    var message = suggestions.length
      ? (form.getAttribute("data-suggest-count") || "%(count)s").replace("%(count)s", suggestions.length)
      : form.getAttribute("data-suggest-none") || "";
    status.textContent = message;
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var words = input.value.trim();
    if (words.length < 2) {
      asked++;
      return close();
    }
    timer = window.setTimeout(function () {
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(words), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === asked) show(data); })
        .catch(close);
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    var rows = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) {
        if (rows.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        return;
      }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      // Past either end: back to the box (no row chosen), as the pattern has it.
      var next = active + step;
      if (next < -1) next = rows.length - 1;
      if (next >= rows.length) next = -1;
      choose(next);
    } else if (event.key === "Enter" && !list.hidden && active >= 0 && rows[active]) {
      event.preventDefault();
      open(rows[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });

  list.addEventListener("mousedown", function (event) {
    event.preventDefault(); // keep focus in the box
  });
  list.addEventListener("click", function (event) {
    var target = event.target.closest("[role=option]");
    if (target) open(target);
  });
  input.addEventListener("blur", function () {
    window.setTimeout(close, 100);
  });
})();
