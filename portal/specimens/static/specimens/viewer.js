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

    /* Regions: the outline and its number only; the label text is in the list beside
     * the viewer, so nothing covers the document's own text. The number sits outside the
     * outline (above it, or below it at the top edge), never on the marked spot. */
    var SVG = "http://www.w3.org/2000/svg";

    function regionBounds(r) {
      if (!Array.isArray(r.points)) return { x: r.x, y: r.y, w: r.w, h: r.h };
      var xs = r.points.map(function (p) { return p[0]; });
      var ys = r.points.map(function (p) { return p[1]; });
      var x = Math.min.apply(null, xs), y = Math.min.apply(null, ys);
      return { x: x, y: y, w: Math.max(Math.max.apply(null, xs) - x, 0.001), h: Math.max(Math.max.apply(null, ys) - y, 0.001) };
    }

    function regionElement(r, b) {
      var box = document.createElement("div");
      box.className = "region" + (Array.isArray(r.points) ? " region--polygon" : "");
      box.dataset.regionNumber = String(r.number);
      if (Array.isArray(r.points)) {
        var svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("viewBox", "0 0 1000 1000");
        svg.setAttribute("preserveAspectRatio", "none");
        svg.setAttribute("class", "region__shape");
        var polygon = document.createElementNS(SVG, "polygon");
        polygon.setAttribute("points", r.points.map(function (p) {
          return ((p[0] - b.x) / b.w * 1000).toFixed(1) + "," + ((p[1] - b.y) / b.h * 1000).toFixed(1);
        }).join(" "));
        polygon.setAttribute("vector-effect", "non-scaling-stroke");
        svg.appendChild(polygon);
        box.appendChild(svg);
      }
      var badge = document.createElement("span");
      badge.className = "region__number" + (b.y < 0.08 ? " region__number--below" : "");
      badge.textContent = String(r.number);
      box.appendChild(badge);
      return box;
    }

    function drawRegions(stage) {
      if (!stage.viewer) return;
      stage.viewer.clearOverlays();
      stage.regionEls = {};
      var img = stage.current;
      if (!img || !regionsToggle || !regionsToggle.checked) return;
      var aspect = img.height / img.width;
      (img.regions || []).forEach(function (r) {
        var b = regionBounds(r);
        var box = regionElement(r, b);
        stage.regionEls[r.number] = box;
        stage.viewer.addOverlay({ element: box, location: new OSD.Rect(b.x, b.y * aspect, b.w, b.h * aspect) });
      });
    }

    /* The list of regions beside the viewer: hovering or focusing an entry highlights
     * its region; choosing it shows that image and zooms to the region. */
    function highlightRegion(imageId, number) {
      stages.forEach(function (stage) {
        Object.keys(stage.regionEls || {}).forEach(function (key) {
          var on = stage.current && String(stage.current.id) === imageId && key === number;
          stage.regionEls[key].classList.toggle("is-highlighted", Boolean(on));
        });
      });
    }

    function zoomToRegion(stage, number) {
      var r = (stage.current.regions || []).filter(function (x) { return String(x.number) === number; })[0];
      if (!r || !stage.viewer || !stage.viewer.world.getItemCount()) return;
      var b = regionBounds(r), aspect = stage.current.height / stage.current.width, pad = 0.15;
      stage.viewer.viewport.fitBoundsWithConstraints(
        new OSD.Rect(b.x - b.w * pad, (b.y - b.h * pad) * aspect, b.w * (1 + 2 * pad), b.h * (1 + 2 * pad) * aspect)
      );
    }

    function setupRegionList() {
      var entries = Array.prototype.slice.call(group.querySelectorAll("[data-region-entry]"));
      entries.forEach(function (entry) {
        var imageId = entry.dataset.regionImage, number = entry.dataset.regionNumber;
        var on = function () { highlightRegion(imageId, number); };
        var off = function () { highlightRegion(null, null); };
        entry.addEventListener("mouseenter", on);
        entry.addEventListener("focus", on);
        entry.addEventListener("mouseleave", off);
        entry.addEventListener("blur", off);
        entry.addEventListener("click", function () {
          var stage = stages[0];
          if (!stage) return;
          if (!stage.current || String(stage.current.id) !== imageId) {
            var img = stage.images.filter(function (x) { return String(x.id) === imageId; })[0];
            if (!img) return;
            stage.zone = img.zone;
            if (stage.viewer) {
              stage.viewer.addOnceHandler("open", function () {
                setTimeout(function () { zoomToRegion(stage, number); on(); }, 0);
              });
            }
            show(img.light);
          } else {
            zoomToRegion(stage, number);
            on();
          }
        });
      });
    }

    function markCurrentRegionGroup() {
      var current = stages[0] && stages[0].current ? String(stages[0].current.id) : "";
      group.querySelectorAll("[data-region-group]").forEach(function (el) {
        el.classList.toggle("is-current", el.dataset.regionGroup === current);
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
      markCurrentRegionGroup();
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
    setupRegionList();
    if (first) show(first);
  }

  document.querySelectorAll("[data-viewer-group]").forEach(setup);
})();
