// Injected by the player into one page only (the Compare view), at document creation, in the main
// world, before any game code: Math.random, crypto.getRandomValues and crypto.randomUUID draw from
// sfc32 seeded with __LUDEME_SEED__ (the same generator as the evaluation harness), so two pages
// given the same seed see the same random stream. Locked, so a game cannot put the original back.
(function () {
  "use strict";
  const seed = (__LUDEME_SEED__) >>> 0;
  const lock = (obj, name, value) => {
    try {
      Object.defineProperty(obj, name, { value: value, writable: false, configurable: false, enumerable: false });
    } catch (e) { /* already locked (the evaluation harness got there first) */ }
  };
  // @include prng.js
  const nextU32 = seededStream(seed);
  lock(Math, "random", function random() { return nextU32() / 4294967296; });
  if (window.Crypto && Crypto.prototype.getRandomValues) {
    const native = Crypto.prototype.getRandomValues;
    const getRandomValues = function getRandomValues(arr) {
      native.call(this, arr);  // the native checks (type, 65536-byte quota) and their errors
      const u8 = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      for (let i = 0; i < u8.length; i += 4) {
        let v = nextU32();
        for (let j = 0; j < 4 && i + j < u8.length; j++) { u8[i + j] = v & 255; v >>>= 8; }
      }
      return arr;
    };
    lock(Crypto.prototype, "getRandomValues", getRandomValues);
    lock(Crypto.prototype, "randomUUID", function randomUUID() {
      const b = getRandomValues.call(crypto, new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      let h = "";
      for (let i = 0; i < 16; i++) {
        h += (b[i] + 256).toString(16).slice(1);
        if (i === 3 || i === 5 || i === 7 || i === 9) h += "-";
      }
      return h;
    });
  }
})();
