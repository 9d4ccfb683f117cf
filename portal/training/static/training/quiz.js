/*
 * Hotspot questions of the quiz page: the learner points at a place on the image.
 *
 * The page works without this script: the image is an <input type="image"> that posts
 * the click's pixels and the page comes back with the point marked. This script turns it
 * into a plain image inside a focusable frame:
 *   - a click (or tap) sets the point and shows a marker there;
 *   - with the keyboard, the frame takes the focus and shows a crosshair; the arrow keys
 *     move it (1 % of the image a step, 10 % with Shift), Enter or Space sets the point.
 * The point goes into the question's two hidden inputs as fractions (0-1) of the image's
 * width and height, which is what the server grades; the sentence below the image says
 * where it is (aria-live). Nothing about the right answer is in the page.
 */
(function () {
  "use strict";

  var STEP = 0.01;
  var BIG_STEP = 0.1;

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function percent(value) {
    return Math.round(value * 100) + "%";
  }

  function words(template, x, y) {
    return template.replace("{across}", percent(x)).replace("{down}", percent(y));
  }

  function place(element, x, y) {
    element.style.left = (x * 100).toFixed(2) + "%";
    element.style.top = (y * 100).toFixed(2) + "%";
    element.hidden = false;
  }

  function enhance(box) {
    var frame = box.querySelector("[data-hotspot-frame]");
    var input = frame && frame.querySelector("input[type=image]");
    if (!input) return;
    var inputX = box.querySelector("[data-hotspot-x]");
    var inputY = box.querySelector("[data-hotspot-y]");
    var marker = box.querySelector("[data-hotspot-marker]");
    var status = box.querySelector("[data-hotspot-status]");

    // A plain image instead of the submit button: a click sets the point, never posts.
    var image = document.createElement("img");
    image.src = input.src;
    image.alt = "";
    image.width = input.width;
    image.height = input.height;
    image.className = "hotspot__image";
    image.draggable = false;
    input.replaceWith(image);

    var crosshair = document.createElement("span");
    crosshair.className = "hotspot__crosshair";
    crosshair.setAttribute("aria-hidden", "true");
    crosshair.hidden = true;
    frame.appendChild(crosshair);

    frame.tabIndex = 0;
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-label", box.dataset.label || "");
    var help = box.querySelector(".hotspot__help");
    if (help && help.id) frame.setAttribute("aria-describedby", help.id + " " + (status.id || ""));
    box.classList.add("hotspot--live");

    var point = null;
    if (inputX.value !== "" && inputY.value !== "") {
      point = { x: clamp(parseFloat(inputX.value)), y: clamp(parseFloat(inputY.value)) };
    }
    var cross = point ? { x: point.x, y: point.y } : { x: 0.5, y: 0.5 };

    function set(x, y) {
      point = { x: clamp(x), y: clamp(y) };
      inputX.value = point.x.toFixed(6);
      inputY.value = point.y.toFixed(6);
      place(marker, point.x, point.y);
      status.textContent = words(box.dataset.pointSet, point.x, point.y);
      box.closest(".quiz-question").classList.remove("quiz-question--error");
    }

    image.addEventListener("click", function (event) {
      var rect = image.getBoundingClientRect();
      if (!rect.width || !rect.height) return;
      var x = (event.clientX - rect.left) / rect.width;
      var y = (event.clientY - rect.top) / rect.height;
      cross = { x: clamp(x), y: clamp(y) };
      place(crosshair, cross.x, cross.y);
      set(x, y);
    });

    frame.addEventListener("focus", function () {
      place(crosshair, cross.x, cross.y);
    });
    frame.addEventListener("blur", function () {
      crosshair.hidden = true;
    });
    frame.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? BIG_STEP : STEP;
      var moves = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, -step],
        ArrowDown: [0, step],
      };
      if (moves[event.key]) {
        event.preventDefault();
        cross = { x: clamp(cross.x + moves[event.key][0]), y: clamp(cross.y + moves[event.key][1]) };
        place(crosshair, cross.x, cross.y);
        status.textContent = words(box.dataset.crosshair, cross.x, cross.y);
      } else if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        set(cross.x, cross.y);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-hotspot]"), enhance);
  // The page's first, hidden "Hand in" only keeps Enter from posting a hotspot image
  // (the form's default button) when this script does not run; here it is not needed.
  Array.prototype.forEach.call(document.querySelectorAll("[data-default-submit]"), function (button) {
    button.remove();
  });
})();
