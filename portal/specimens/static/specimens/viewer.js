/*
 * The specimen image viewer: switch the light source on the same zone, zoom and pan
 * (OpenSeadragon, from npm), show or hide marked regions. On the compare page the two
 * viewers share one toolbar and keep zoom and position in step.
 * Without JavaScript (or OpenSeadragon) the page still shows the display image.
 */
(function () {
  "use strict";
  var OSD = window.OpenSeadragon;

  function readImages(stageEl) {
    var script = document.getElementById(stageEl.dataset.imagesId);
    return script ? JSON.parse(script.textContent) : [];
  }

  function pick(images, light, zone) {
    var sameZone = images.filter(function (img) { return img.light === light && img.zone === zone; });
    if (sameZone.length) return sameZone[0];
    var anyZone = images.filter(function (img) { return img.light === light; });
    return anyZone.length ? anyZone[0] : null;
  }

  function setup(group) {
    var buttons = Array.prototype.slice.call(group.querySelectorAll("[data-light]"));
    var regionsToggle = group.querySelector("[data-regions-toggle]");
    var syncing = false;
    var stages = Array.prototype.slice.call(group.querySelectorAll("[data-stage]")).map(function (el) {
      var images = readImages(el);
      return { el: el, images: images, zone: images.length ? images[0].zone : "", viewer: null, current: null };
    });

    function drawRegions(stage) {
      if (!stage.viewer) return;
      stage.viewer.clearOverlays();
      var img = stage.current;
      if (!img || !regionsToggle || !regionsToggle.checked) return;
      var aspect = img.height / img.width;
      (img.regions || []).forEach(function (r) {
        var box = document.createElement("div");
        box.className = "region";
        var label = document.createElement("span");
        label.className = "region__label";
        label.textContent = r.label || "";
        box.appendChild(label);
        stage.viewer.addOverlay({ element: box, location: new OSD.Rect(r.x, r.y * aspect, r.w, r.h * aspect) });
      });
    }

    stages.forEach(function (stage) {
      if (!OSD) return;
      stage.viewer = OSD({
        element: stage.el.querySelector("[data-osd]"),
        prefixUrl: group.dataset.osdPrefix,
        showNavigator: true,
        navigatorPosition: "BOTTOM_RIGHT",
        showRotationControl: false,
        showFullPageControl: true,
        visibilityRatio: 0.5,
        minZoomImageRatio: 0.8,
        maxZoomPixelRatio: 4,
        gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
      });
      stage.el.classList.add("has-viewer");
      stage.el.viewer = stage.viewer; // for the browser tests and the console
      stage.viewer.addHandler("open", function () {
        drawRegions(stage);
        stage.el.dataset.loaded = stage.current ? stage.current.light : "";
      });
      if (group.hasAttribute("data-sync")) {
        stage.viewer.addHandler("viewport-change", function () {
          if (syncing || !stage.viewer.world.getItemCount()) return;
          syncing = true;
          var bounds = stage.viewer.viewport.getBounds();
          stages.forEach(function (other) {
            if (other !== stage && other.viewer && other.viewer.world.getItemCount()) {
              other.viewer.viewport.fitBounds(bounds, true);
            }
          });
          syncing = false;
        });
      }
    });

    function show(light) {
      group.dataset.currentLight = light;
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.light === light));
      });
      stages.forEach(function (stage) {
        var img = pick(stage.images, light, stage.zone);
        var caption = stage.el.querySelector("[data-caption]");
        var fallback = stage.el.querySelector("[data-fallback]");
        stage.current = img;
        stage.el.classList.toggle("is-missing", !img);
        if (!img) {
          var button = buttons.filter(function (b) { return b.dataset.light === light; })[0];
          caption.textContent = "No image of this specimen under " + (button ? button.textContent : light) + ".";
          stage.el.dataset.currentImage = "";
          if (stage.viewer) stage.viewer.close();
          return;
        }
        stage.el.dataset.currentImage = String(img.id);
        caption.textContent = img.light_label + " · " + img.zone + (img.caption ? " — " + img.caption : "");
        if (stage.viewer) {
          var keep = stage.viewer.world.getItemCount() ? stage.viewer.viewport.getBounds() : null;
          stage.viewer.addOnceHandler("open", function () {
            if (keep) stage.viewer.viewport.fitBounds(keep, true);
          });
          stage.viewer.open({ type: "image", url: img.zoom, buildPyramid: false });
        } else if (fallback) {
          fallback.src = img.display;
          fallback.alt = img.light_label;
        }
      });
      if (window.history && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set("light", light);
        window.history.replaceState(null, "", url);
      }
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.dataset.light); });
    });
    if (regionsToggle) {
      regionsToggle.addEventListener("change", function () { stages.forEach(drawRegions); });
    }
    var requested = new URL(window.location.href).searchParams.get("light");
    var available = buttons.map(function (b) { return b.dataset.light; });
    var first = available.indexOf(requested) >= 0 ? requested : group.dataset.initialLight || available[0];
    if (first) show(first);
  }

  document.querySelectorAll("[data-viewer-group]").forEach(setup);
})();
