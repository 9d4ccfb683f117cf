/*
 * The admin's marked-regions editor (portal/specimens/widgets.py): draw rectangles and
 * polygons on a saved specimen image with Annotorious over OpenSeadragon (both from npm),
 * label them, link them to a feature, reorder and delete them from a keyboard-usable
 * list, and keep the JSON textarea of the form (which is what is posted) in step.
 * Regions are stored as fractions of the image: {"x","y","w","h","label"} for a
 * rectangle, {"points": [[x, y], ...], "label"} for a polygon, plus "feature": <id>.
 * All words come from the template (translated there); this file holds none.
 */
(function () {
  "use strict";

  function round(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  }

  function parse(text) {
    try {
      var value = JSON.parse(text || "[]");
      return Array.isArray(value) ? value : [];
    } catch (e) {
      return [];
    }
  }

  /* The specimen's saved features, read from the features inline of the same page. */
  function pageFeatures() {
    var found = [];
    document.querySelectorAll('input[name^="features-"][name$="-id"]').forEach(function (input) {
      if (!input.value) return;
      var prefix = input.name.slice(0, -2);
      var deleted = document.querySelector('input[name="' + prefix + 'DELETE"]');
      if (deleted && (deleted.checked || deleted.value === "1")) return;
      var term = document.querySelector('[name="' + prefix + 'term"]');
      var light = document.querySelector('[name="' + prefix + 'light_source"]');
      var name = term && term.selectedOptions && term.selectedOptions[0] ? term.selectedOptions[0].textContent : "#" + input.value;
      if (light && light.selectedOptions && light.selectedOptions[0]) name += " (" + light.selectedOptions[0].textContent + ")";
      found.push({ id: parseInt(input.value, 10), name: name.trim() });
    });
    return found;
  }

  function init(root) {
    if (root.dataset.ready) return;
    var textarea = root.querySelector("textarea");
    if (!textarea || textarea.name.indexOf("__prefix__") >= 0) return;
    root.dataset.ready = "1";
    var prefix = textarea.name.replace(/regions$/, "");
    var idInput = document.querySelector('input[name="' + prefix + 'id"]');
    // A widget not inside the image's own form (a quiz question's zones) names the image.
    var imageId = root.dataset.imageId || (idInput ? idInput.value : "");
    var OSD = window.OpenSeadragon;
    var Anno = window.AnnotoriousOSD;
    if (!imageId || !OSD || !Anno) return; // the "save the image first" note stays

    root.querySelector("[data-regions-unsaved]").hidden = true;
    root.querySelector("[data-regions-body]").hidden = false;
    var list = root.querySelector("[data-regions-list]");
    var empty = root.querySelector("[data-regions-empty]");
    var itemTemplate = root.querySelector("[data-regions-item]");
    var toolButtons = Array.prototype.slice.call(root.querySelectorAll("[data-tool]"));
    var items = []; // [{id, label, feature}] in the saved order; geometry lives in Annotorious
    var size = null;
    var counter = 0;

    var viewer = OSD({
      element: root.querySelector("[data-regions-osd]"),
      prefixUrl: root.dataset.osdPrefix,
      tileSources: { type: "image", url: root.dataset.imageUrl.replace("/0/", "/" + imageId + "/"), buildPyramid: false },
      showNavigator: false,
      showRotationControl: false,
      showFullPageControl: false,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: false },
      visibilityRatio: 1,
      minZoomImageRatio: 0.9,
    });
    var anno = Anno.createOSDAnnotator(viewer, { drawingEnabled: true, drawingMode: "drag" });
    anno.setDrawingTool("rectangle");
    root.viewer = viewer; // for the browser tests and the console
    root.annotator = anno;

    function toAnnotation(region, id) {
      var W = size.x, H = size.y, selector;
      if (Array.isArray(region.points)) {
        var points = region.points.map(function (p) { return [p[0] * W, p[1] * H]; });
        var xs = points.map(function (p) { return p[0]; });
        var ys = points.map(function (p) { return p[1]; });
        selector = {
          type: "POLYGON",
          geometry: {
            points: points,
            bounds: { minX: Math.min.apply(null, xs), minY: Math.min.apply(null, ys), maxX: Math.max.apply(null, xs), maxY: Math.max.apply(null, ys) },
          },
        };
      } else {
        var x = region.x * W, y = region.y * H, w = region.w * W, h = region.h * H;
        selector = { type: "RECTANGLE", geometry: { x: x, y: y, w: w, h: h, bounds: { minX: x, minY: y, maxX: x + w, maxY: y + h } } };
      }
      return { id: id, bodies: [], target: { annotation: id, selector: selector } };
    }

    function toRegion(item) {
      var annotation = anno.getAnnotationById(item.id);
      if (!annotation || !size) return null;
      var selector = annotation.target.selector, g = selector.geometry, region;
      if (selector.type === "POLYGON") {
        region = { points: g.points.map(function (p) { return [round(p[0] / size.x), round(p[1] / size.y)]; }) };
      } else {
        var x = round(g.x / size.x), y = round(g.y / size.y);
        region = { x: x, y: y, w: Math.min(round(g.w / size.x), round(1 - x)), h: Math.min(round(g.h / size.y), round(1 - y)) };
      }
      region.label = item.label || "";
      if (item.feature) region.feature = item.feature;
      return region;
    }

    function write() {
      var regions = items.map(toRegion).filter(Boolean);
      textarea.value = JSON.stringify(regions);
      textarea.dispatchEvent(new Event("change", { bubbles: true })); // Wagtail's unsaved-changes warning
    }

    function featureOptions(select, current) {
      var features = pageFeatures();
      select.textContent = "";
      var none = document.createElement("option");
      none.value = "";
      none.textContent = root.dataset.noFeature;
      select.appendChild(none);
      if (current && !features.some(function (f) { return f.id === current; })) {
        features.push({ id: current, name: root.dataset.featureWord + " #" + current });
      }
      features.forEach(function (feature) {
        var option = document.createElement("option");
        option.value = String(feature.id);
        option.textContent = feature.name;
        option.selected = feature.id === current;
        select.appendChild(option);
      });
    }

    function render(focusId, focusField) {
      list.textContent = "";
      empty.hidden = items.length > 0;
      items.forEach(function (item, index) {
        var li = itemTemplate.content.firstElementChild.cloneNode(true);
        var number = String(index + 1);
        li.dataset.regionId = item.id;
        li.querySelector(".regions-editor__number").textContent = number;
        var label = li.querySelector('[data-field="label"]');
        var select = li.querySelector('[data-field="feature"]');
        label.value = item.label || "";
        label.id = textarea.id + "-label-" + number;
        select.id = textarea.id + "-feature-" + number;
        label.setAttribute("aria-label", root.dataset.regionWord + " " + number + ": " + li.querySelector("[data-label-text]").textContent);
        select.setAttribute("aria-label", root.dataset.regionWord + " " + number + ": " + li.querySelector("[data-feature-text]").textContent);
        featureOptions(select, item.feature);
        label.addEventListener("input", function () { item.label = label.value; write(); });
        select.addEventListener("focus", function () { featureOptions(select, item.feature); });
        select.addEventListener("change", function () { item.feature = select.value ? parseInt(select.value, 10) : null; write(); });
        li.addEventListener("focusin", function () { highlight(item.id); });
        li.querySelectorAll("[data-action]").forEach(function (button) {
          button.addEventListener("click", function () { act(button.dataset.action, item, index); });
        });
        if (index === 0) li.querySelector('[data-action="up"]').disabled = true;
        if (index === items.length - 1) li.querySelector('[data-action="down"]').disabled = true;
        list.appendChild(li);
      });
      if (focusId) {
        var target = list.querySelector('[data-region-id="' + focusId + '"] ' + (focusField || '[data-field="label"]'));
        if (target && !target.disabled) target.focus();
      }
    }

    function highlight(id) {
      list.querySelectorAll("li").forEach(function (li) { li.classList.toggle("is-selected", li.dataset.regionId === id); });
    }

    function act(action, item, index) {
      if (action === "select") {
        anno.setSelected(item.id, true);
        anno.fitBounds(item.id, { padding: 40 });
        highlight(item.id);
      } else if (action === "delete") {
        anno.removeAnnotation(item.id);
        items.splice(index, 1);
        write();
        render();
        var next = list.querySelectorAll('[data-field="label"]')[Math.min(index, items.length - 1)];
        if (next) next.focus();
      } else {
        var to = action === "up" ? index - 1 : index + 1;
        if (to < 0 || to >= items.length) return;
        items.splice(to, 0, items.splice(index, 1)[0]);
        write();
        render(item.id, '[data-action="' + action + '"]');
      }
    }

    anno.on("createAnnotation", function (annotation) {
      items.push({ id: annotation.id, label: "", feature: null });
      write();
      render(annotation.id);
    });
    anno.on("updateAnnotation", function () { write(); });
    anno.on("deleteAnnotation", function (annotation) {
      items = items.filter(function (item) { return item.id !== annotation.id; });
      write();
      render();
    });
    anno.on("selectionChanged", function (selected) {
      highlight(selected && selected.length ? selected[0].id : null);
    });

    toolButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        var tool = button.dataset.tool;
        if (tool) anno.setDrawingTool(tool);
        anno.setDrawingEnabled(Boolean(tool));
        toolButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      });
    });

    viewer.addOnceHandler("open", function () {
      size = viewer.world.getItemAt(0).getContentSize();
      var annotations = [];
      parse(textarea.value).forEach(function (region) {
        if (!region || typeof region !== "object") return;
        counter += 1;
        var id = "region-" + counter;
        annotations.push(toAnnotation(region, id));
        items.push({ id: id, label: region.label || "", feature: region.feature || null });
      });
      anno.setAnnotations(annotations, true);
      render();
      root.dataset.loaded = "1";
    });
  }

  function scan() {
    document.querySelectorAll("[data-regions-editor]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
