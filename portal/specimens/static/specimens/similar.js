/* Load the "similar images" block after the specimen page: it searches the whole library. */
(function () {
  "use strict";
  document.querySelectorAll("[data-similar-url]").forEach(function (section) {
    var target = section.querySelector("[data-similar-results]");
    fetch(section.dataset.similarUrl, { credentials: "same-origin", headers: { Accept: "text/html", "X-Fragment": "1" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        target.innerHTML = html;
      })
      .catch(function () {
        target.innerHTML = "";
        var message = document.createElement("p");
        message.className = "muted";
        message.textContent = "Similar images could not be loaded. Reload the page to try again.";
        target.appendChild(message);
      })
      .finally(function () {
        section.setAttribute("aria-busy", "false");
      });
  });
})();
