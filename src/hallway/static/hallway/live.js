/* Live updates (ADR 0006): one EventSource per page on /events/.
 * Each message {"event": name, "data": {...}} becomes a `hallway:<name>` CustomEvent on
 * document (detail = data), e.g. `hx-trigger="hallway:post from:document"` refetches a
 * permission-checked fragment. EventSource reconnects by itself and sends Last-Event-ID.
 */
(function () {
  "use strict";
  if (!window.EventSource) return;
  var script = document.currentScript;
  var url = (script && script.dataset.eventsUrl) || "/events/";
  var source = null;
  var lastId = "";

  function dispatch(name, detail) {
    document.dispatchEvent(new CustomEvent("hallway:" + name, { detail: detail || {} }));
  }

  function connect() {
    var target = lastId ? url + "?last_event_id=" + encodeURIComponent(lastId) : url;
    source = new EventSource(target, { withCredentials: true });
    source.onmessage = function (message) {
      var payload;
      if (message.lastEventId) lastId = message.lastEventId;
      try {
        payload = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (!payload || typeof payload.event !== "string") return;
      if (payload.event === "signed-out") {
        source.close();
      } else if (payload.event === "reload") {
        // Too many events were missed: reconnecting replays from the last id seen.
        source.close();
        window.setTimeout(connect, 1000);
      }
      dispatch(payload.event, payload.data);
    };
    source.onopen = function () {
      document.documentElement.dataset.live = "on";
    };
    source.onerror = function () {
      document.documentElement.dataset.live = source.readyState === 2 ? "off" : "connecting";
    };
  }

  window.addEventListener("pagehide", function () {
    if (source) source.close();
  });
  connect();
})();
