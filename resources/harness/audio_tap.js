// Injected at document creation: counts every sound a game starts (oscillators, buffers, constant
// sources) so the host can tell that a game makes sound. A hint, like telemetry: a game can lie.
(function () {
  "use strict";
  const tap = { starts: 0, firstAt: null, lastAt: null, kinds: {} };
  const Node = window.AudioScheduledSourceNode;
  if (Node && Node.prototype.start) {
    const start = Node.prototype.start;
    Node.prototype.start = function () {
      tap.starts += 1;
      const now = performance.now();
      if (tap.firstAt === null) tap.firstAt = now;
      tap.lastAt = now;
      const kind = this.constructor && this.constructor.name || "node";
      tap.kinds[kind] = (tap.kinds[kind] || 0) + 1;
      return start.apply(this, arguments);
    };
  }
  Object.defineProperty(window, "__ludemeAudioTap", {
    value: () => JSON.stringify(tap), writable: false, configurable: false, enumerable: false,
  });
})();
