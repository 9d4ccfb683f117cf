// The header search box: titles the user may see, as they type (/search/suggest/).
(function () {
  "use strict";
  var input = document.getElementById("header-search-q");
  if (!input || !window.fetch) return;
  var form = input.form;
  var list = document.createElement("ul");
  list.id = "header-search-suggestions";
  list.className = "suggestions";
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");
  var timer = null;
  var asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  function show(suggestions) {
    list.textContent = "";
    suggestions.forEach(function (s) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = s.url;
      link.textContent = s.title;
      var kind = document.createElement("span");
      kind.className = "suggestion-type";
      kind.textContent = s.type_label;
      link.appendChild(kind);
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    var words = input.value.trim();
    if (words.length < 2) return close();
    timer = window.setTimeout(function () {
      var mine = ++asked;
      fetch("/search/suggest/?q=" + encodeURIComponent(words), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === asked) show(data.suggestions); })
        .catch(close);
    }, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("a").focus();
    } else if (event.key === "Escape") {
      close();
    }
  });
  list.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) {
      event.preventDefault();
      links[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? links[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      close();
      input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
})();
