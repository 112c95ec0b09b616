// Injected at document creation into every game page (main world, every frame), before any game code.
// The request interceptor and the CSP (connect-src 'none') already stop network traffic; these shims
// remove the APIs that the interceptor does not always see (WebSocket, WebRTC, beacons, EventSource)
// and make blocking or escaping APIs (dialogs, popups) harmless. Each is locked so a game cannot put
// the original back.
(function () {
  "use strict";
  const blocked = (what) => function () {
    console.warn("[ludeme-sandbox] blocked: " + what);
    throw new DOMException(what + " is not available in the Ludeme sandbox", "SecurityError");
  };
  // Locked as an accessor whose setter ignores writes: code that assigns its own version (p5.js
  // puts its print() on window in global mode) must not throw in strict mode, and cannot put the
  // original back either.
  const lock = (obj, name, value) => {
    try {
      Object.defineProperty(obj, name, { get: () => value, set: () => {}, configurable: false, enumerable: false });
    } catch (e) { /* already locked */ }
  };
  for (const name of ["WebSocket", "WebSocketStream", "EventSource", "WebTransport",
                      "RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel",
                      "RTCSessionDescription", "RTCIceCandidate", "SharedWorker"]) {
    lock(window, name, blocked(name));
  }
  if (window.Navigator) {
    lock(Navigator.prototype, "sendBeacon", function () {
      console.warn("[ludeme-sandbox] blocked: navigator.sendBeacon");
      return false;
    });
  }
  lock(window, "open", function () {
    console.warn("[ludeme-sandbox] blocked: window.open");
    return null;
  });
  lock(window, "alert", function (msg) { console.info("[ludeme-sandbox] alert: " + String(msg).slice(0, 200)); });
  lock(window, "confirm", function (msg) { console.info("[ludeme-sandbox] confirm: " + String(msg).slice(0, 200)); return false; });
  lock(window, "prompt", function (msg) { console.info("[ludeme-sandbox] prompt: " + String(msg).slice(0, 200)); return null; });
  lock(window, "print", function () { console.info("[ludeme-sandbox] print ignored"); });
  if (navigator.mediaDevices) {
    // No camera or microphone. An accessor, not a read-only value: libraries such as p5.js assign
    // a polyfill object in strict code (a throw there would stop the game), and read it back.
    let devices;
    try {
      Object.defineProperty(navigator, "mediaDevices", {
        get: () => devices, set: (v) => { devices = v && typeof v === "object" ? v : undefined; },
        configurable: false, enumerable: true,
      });
    } catch (e) { /* already locked */ }
  }
  for (const name of ["geolocation", "serviceWorker", "bluetooth", "usb", "hid", "serial", "credentials"]) {
    try { Object.defineProperty(Navigator.prototype, name, { get: () => undefined, configurable: false }); } catch (e) {}
  }
})();
