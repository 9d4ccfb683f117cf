/*
 * Live alerts on every page: the unread count in the header and a toast when an alert
 * arrives (WebSocket /ws/alerts/, authenticated by the session cookie). Reconnects with
 * a growing delay; a socket closed by the server for sign-out (4001) is not reopened.
 * A toast names the alert's kind ("New fraud alert", "New information"), sums it up in one
 * line, can be closed (button or Escape) and acknowledged (POST /api/v1/alerts/{id}/
 * acknowledge, which lowers the count); a critical one stays until then, others fade.
 */
(function () {
  "use strict";
  var live = document.getElementById("live-notifications");
  var badge = document.getElementById("unread-count");
  if (!live || !window.WebSocket) return;
  var unread = new Set();
  var delay = 1000;
  // The words, in the reader's language (alert_wording.live_labels); the push has codes.
  var labelsNode = document.getElementById("live-labels");
  var labels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  var FADE_AFTER = 20000;

  function word(group, code) {
    return (labels[group] && labels[group][code]) || code || "";
  }

  function setCount() {
    if (!badge) return;
    var n = unread.size;
    badge.dataset.count = String(n);
    badge.textContent = n ? String(n) : "";
    var text = n === 1 ? labels.unread_one : (labels.unread_many || "%(count)s unread alerts").replace("%(count)s", n);
    badge.setAttribute("aria-label", n ? (text || n + " " + (live.dataset.unread || "unread alerts")) : (labels.none_unread || ""));
    badge.title = n ? text : "";
  }

  function csrfToken() {
    if (live.dataset.csrf) return live.dataset.csrf;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The one-line summary beside the severity and TLP marks: issuing country, document
  // type and fraud type.
  function summary(alert) {
    var parts = [];
    if (alert.issuing_country) parts.push(alert.issuing_country);
    if (alert.document_type) parts.push(word("document_type", alert.document_type));
    if (alert.fraud_type) parts.push(word("fraud_type", alert.fraud_type));
    return parts.join(" · ");
  }

  function dismiss(box) {
    if (!box.isConnected) return;
    var focused = box.contains(document.activeElement);
    box.remove();
    // Keep the keyboard user's place: back to the next toast, else the page.
    if (focused) {
      var next = live.querySelector(".toast button");
      (next || document.getElementById("main")).focus();
    }
  }

  function fadeLater(box) {
    window.setTimeout(function () {
      // Not while the officer is reading it or about to press a button.
      if (box.matches(":hover") || box.contains(document.activeElement)) fadeLater(box);
      else dismiss(box);
    }, FADE_AFTER);
  }

  function acknowledge(box, alert, button) {
    button.disabled = true;
    fetch("/api/v1/alerts/" + encodeURIComponent(alert.id) + "/acknowledge", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        unread.delete(alert.id);
        setCount();
        box.classList.add("toast--done");
        button.textContent = labels.acknowledged || "Acknowledged";
        box.querySelector(".toast__status").textContent = labels.acknowledged || "Acknowledged";
        window.setTimeout(function () { dismiss(box); }, 2500);
      })
      .catch(function () {
        button.disabled = false;
        box.querySelector(".toast__status").textContent = labels.acknowledge_failed || "";
      });
  }

  function toast(alert) {
    var critical = alert.severity === "critical";
    var box = document.createElement("div");
    box.className = "toast toast--" + alert.severity + (critical ? " toast--sticky" : "");
    box.setAttribute("role", critical ? "alert" : "status");
    box.dataset.alertId = String(alert.id);
    var heading = document.createElement("p");
    heading.className = "toast__kind";
    heading.textContent = word("kind", alert.kind) || (live.dataset.newAlert || "New alert:");
    var marks = document.createElement("p");
    marks.className = "toast__summary";
    var tlp = document.createElement("span");
    tlp.className = "tlp tlp--" + String(alert.tlp).replace("+", "-");
    tlp.textContent = "TLP:" + String(alert.tlp).toUpperCase();
    var severity = document.createElement("span");
    severity.className = "severity severity--" + alert.severity;
    severity.textContent = word("severity", alert.severity);
    var line = document.createElement("span");
    line.className = "toast__line";
    line.textContent = summary(alert);
    marks.appendChild(severity);
    marks.appendChild(document.createTextNode(" "));
    marks.appendChild(tlp);
    marks.appendChild(document.createTextNode(" "));
    marks.appendChild(line);
    var link = document.createElement("a");
    link.className = "toast__title";
    link.href = alert.url;
    link.textContent = alert.title;
    var actions = document.createElement("div");
    actions.className = "toast__actions";
    var ack = document.createElement("button");
    ack.type = "button";
    ack.className = "button toast__acknowledge";
    ack.textContent = labels.acknowledge || "Acknowledge";
    ack.addEventListener("click", function () { acknowledge(box, alert, ack); });
    var status = document.createElement("span");
    status.className = "toast__status small";
    status.setAttribute("role", "status");
    actions.appendChild(ack);
    actions.appendChild(status);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("aria-label", (labels.close_named || "Close: %(title)s").replace("%(title)s", alert.title));
    close.title = labels.close || "Close";
    close.innerHTML = '<span aria-hidden="true">×</span>';
    close.addEventListener("click", function () { dismiss(box); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") dismiss(box);
    });
    box.appendChild(close);
    box.appendChild(heading);
    box.appendChild(marks);
    box.appendChild(link);
    box.appendChild(actions);
    live.appendChild(box);
    // A critical alert stays until it is acknowledged or closed; others fade.
    if (!critical) fadeLater(box);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/alerts/");
    socket.addEventListener("open", function () { delay = 1000; });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "alert.backlog") {
        unread = new Set(message.alerts.map(function (a) { return a.id; }));
        setCount();
        if (badge) badge.dataset.live = "true";
      } else if (message.type === "alert.published") {
        unread.add(message.alert.id);
        setCount();
        toast(message.alert);
      }
    });
    socket.addEventListener("close", function (event) {
      if (badge) delete badge.dataset.live;
      if (event.code === 4001) return;
      window.setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();

  // === meetings: api-search ===
  // Meetings on their own feed (/ws/meetings/): a toast when a meeting the reader may see
  // is scheduled, moved or cancelled, its start in the reader's zone (the browser's).
  function meetingToast(meeting, change) {
    var box = document.createElement("div");
    box.className = "toast toast--meeting" + (change === "cancelled" ? " toast--cancelled" : "");
    box.setAttribute("role", "status");
    var heading = document.createElement("p");
    heading.className = "toast__kind";
    heading.textContent = word("meeting", change) || "Meeting:";
    var link = document.createElement("a");
    link.className = "toast__title";
    link.href = meeting.url;
    link.textContent = meeting.title;
    var when = document.createElement("p");
    when.className = "toast__summary";
    var start = new Date(meeting.starts_at);
    when.textContent = isNaN(start) ? "" : start.toLocaleString(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short", timeZoneName: "short" });
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.textContent = "×";
    close.setAttribute("aria-label", (labels.close_named || "Close: %(title)s").replace("%(title)s", meeting.title));
    close.addEventListener("click", function () { dismiss(box); });
    box.appendChild(close);
    box.appendChild(heading);
    box.appendChild(link);
    box.appendChild(when);
    live.appendChild(box);
    fadeLater(box);
  }

  var meetingDelay = 1000;
  function connectMeetings() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/meetings/");
    socket.addEventListener("open", function () { meetingDelay = 1000; });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      var match = /^meeting\.(scheduled|moved|cancelled)$/.exec(message.type || "");
      if (match && message.meeting) meetingToast(message.meeting, match[1]);
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4001) return;
      window.setTimeout(connectMeetings, meetingDelay);
      meetingDelay = Math.min(meetingDelay * 2, 30000);
    });
  }
  connectMeetings();
  // === end meetings: api-search ===
})();
