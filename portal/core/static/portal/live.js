/*
 * Live alerts on every page: the unread count in the header and a toast when an alert
 * arrives (WebSocket /ws/alerts/, authenticated by the session cookie). Reconnects with
 * a growing delay; a socket closed by the server for sign-out (4001) is not reopened.
 */
(function () {
  "use strict";
  var live = document.getElementById("live-notifications");
  var badge = document.getElementById("unread-count");
  if (!live || !window.WebSocket) return;
  var unread = new Set();
  var delay = 1000;

  function setCount() {
    if (!badge) return;
    badge.dataset.count = String(unread.size);
    badge.textContent = unread.size ? String(unread.size) : "";
    // The words come translated from the page (base.html's data-* attributes).
    badge.setAttribute("aria-label", unread.size + " " + (live.dataset.unread || "unread alerts"));
  }

  function toast(alert) {
    var box = document.createElement("div");
    box.className = "toast";
    box.setAttribute("role", "status");
    box.dataset.alertId = String(alert.id);
    var marks = document.createElement("div");
    var tlp = document.createElement("span");
    tlp.className = "tlp tlp--" + String(alert.tlp).replace("+", "-");
    tlp.textContent = "TLP:" + String(alert.tlp).toUpperCase();
    var severity = document.createElement("span");
    severity.className = "severity severity--" + alert.severity;
    severity.textContent = alert.severity;
    marks.appendChild(tlp);
    marks.appendChild(document.createTextNode(" "));
    marks.appendChild(severity);
    var link = document.createElement("a");
    link.href = alert.url;
    link.textContent = (live.dataset.newAlert || "New alert:") + " " + alert.title;
    box.appendChild(marks);
    box.appendChild(link);
    live.appendChild(box);
    window.setTimeout(function () { box.remove(); }, 20000);
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
})();
