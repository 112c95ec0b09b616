// Ludeme playtest harness, for evaluation pages only (never the interactive player). Injected at
// document creation, in the main world, before any game code. Its config
//   {seed, simHz, audioSeconds, sampleRate, epoch, storageLimit, logicalSize, cpuCanvas, nonce}
// arrives as JSON in the page URL's `__ludeme_harness` query parameter (removed from the URL before
// the game runs) or as window.__ludemeHarnessConfig set by a script just before this one (deleted).
// Without a config it does nothing, so it can sit in a profile shared with other pages.
//
// What it installs (DESIGN.md §4):
// - a virtual clock: requestAnimationFrame, timers, requestIdleCallback, performance.now, Date.now,
//   `new Date()`, Event.timeStamp read virtual time, and nothing advances until the host calls
//   step(): per frame, time advances, due timers fire in order, then the rAF callbacks registered
//   before the frame run. Exceptions in callbacks are reported like uncaught ones (window "error"
//   event + console) and counted; the harness goes on.
// - seeded Math.random and crypto.getRandomValues / randomUUID (sfc32 from cfg.seed).
// - sound under the virtual clock: AudioContext is an OfflineAudioContext of the recording's length
//   whose currentTime is virtual; source start/stop with a missing or past `when` mean "now";
//   AudioParam.value writes become automation at the virtual now. renderAudio() mixes every
//   context to mono. NOT covered: <audio>/<video> elements, createMediaElementSource (silent),
//   `onended` of sources (fires only during rendering), CSS/Web animations, document.timeline.
// - an input driver (key, pointer), frame capture (largest canvas, letterboxed JPEG), a batch
//   stepAndCapture, telemetry snapshots (window.ludeme) and hostile-signal counters (storage kept
//   in a private in-memory shim capped at cfg.storageLimit, reads of native bridge names).
//
// Everything is exposed under window.__ludemeHarness (non-enumerable, locked, frozen). Results that
// are objects are returned as JSON text: runJavaScript delivers objects as empty strings.
(function () {
  "use strict";
  if (Object.prototype.hasOwnProperty.call(window, "__ludemeHarness")) return;
  // The config comes in the page URL (?__ludeme_harness=<JSON>, the host's way: one profile
  // script, inert in pages without it) or as window.__ludemeHarnessConfig set just before.
  const cfg = (function () {
    let c = null;
    const search = location.search;
    if (search.indexOf("__ludeme_harness=") >= 0) {
      const rest = [];
      for (const kv of search.slice(1).split("&")) {
        if (kv.indexOf("__ludeme_harness=") === 0) {
          try { c = JSON.parse(decodeURIComponent(kv.slice(17))); } catch (e) { c = null; }
        } else rest[rest.length] = kv;
      }
      try { // the game sees its plain URL
        history.replaceState(history.state, "", location.pathname + (rest.length ? "?" + rest.join("&") : "") + location.hash);
      } catch (e) { /* keeps the query: harmless */ }
    }
    if (!c && window.__ludemeHarnessConfig && typeof window.__ludemeHarnessConfig === "object") {
      c = window.__ludemeHarnessConfig;
    }
    try { delete window.__ludemeHarnessConfig; } catch (e) { /* not deletable: harmless */ }
    return c;
  })();
  if (!cfg || typeof cfg !== "object") return; // not an evaluation page: leave it alone

  // ------------------------------------------------------------------ intrinsics, before the game
  const apply = Reflect.apply, construct = Reflect.construct, define = Object.defineProperty;
  const stringify = JSON.stringify, parse = JSON.parse;
  const realNow = performance.now.bind(performance);
  const realRaf = window.requestAnimationFrame.bind(window);
  const realReportError = typeof window.reportError === "function" ? window.reportError.bind(window) : null;
  const consoleError = console.error.bind(console);
  const dispatch = EventTarget.prototype.dispatchEvent;
  const addListener = EventTarget.prototype.addEventListener;
  const createElement = Document.prototype.createElement;
  const getByTag = Document.prototype.getElementsByTagName;
  const elementFromPoint = Document.prototype.elementFromPoint;
  const activeElementGet = Object.getOwnPropertyDescriptor(Document.prototype, "activeElement").get;
  const rectOf = Element.prototype.getBoundingClientRect;
  const computedStyle = window.getComputedStyle.bind(window);
  const clientRects = Element.prototype.getClientRects;
  const MutationObserver_ = window.MutationObserver;
  const toDataURL = HTMLCanvasElement.prototype.toDataURL;
  const getContext = HTMLCanvasElement.prototype.getContext;
  const canvasW = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, "width");
  const canvasH = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, "height");
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  const fillRect = CanvasRenderingContext2D.prototype.fillRect;
  const fillStyleSet = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, "fillStyle").set;
  const focusEl = HTMLElement.prototype.focus;
  const btoa_ = window.btoa.bind(window);
  const fromCharCode = String.fromCharCode;
  const KeyboardEvent_ = window.KeyboardEvent, PointerEvent_ = window.PointerEvent,
    MouseEvent_ = window.MouseEvent, ErrorEvent_ = window.ErrorEvent, DOMException_ = window.DOMException;
  const RealDate = window.Date;
  const mathMin = Math.min, mathMax = Math.max, mathTrunc = Math.trunc, mathRound = Math.round;

  const noop = function () {};
  // A locked accessor: reads give ours, writes are ignored (a game's polyfill assignment in strict
  // mode must not throw), and nobody can redefine it.
  function lock(obj, name, value) {
    try {
      define(obj, name, { get: () => value, set: noop, enumerable: false, configurable: false });
      return true;
    } catch (e) { return false; }
  }
  function headOf(e) {
    let msg, stack = "";
    try {
      if (e && typeof e === "object") {
        msg = String(e.message !== undefined ? e.message : e);
        stack = String(e.stack || "").split("\n").slice(0, 4).join("\n").slice(0, 400);
      } else msg = String(e);
    } catch (x) { msg = "(unprintable error)"; }
    return [msg.slice(0, 300), stack];
  }

  // ------------------------------------------------------------------ counters (signals())
  const sig = {
    errors: 0, rejections: 0, error_list: [],
    raf_requests: 0, raf_calls: 0, timeouts: 0, intervals: 0, timer_fires: 0, timer_overflow: 0,
    idle_callbacks: 0,
    storage_writes: 0, storage_bytes: 0, storage_refused: 0,
    bridge: {},
    audio_contexts: 0, audio_contexts_refused: 0, audio_starts: 0, media_elements: 0,
    captures: 0, capture_errors: 0, telemetry_oversize: 0, reentrant_calls: 0,
    input_listeners: 0,
  };
  let consoleReports = 0;
  const MAX_ERRORS_KEPT = 50, MAX_CONSOLE_REPORTS = 200;

  let vnow = 0;          // virtual ms since the document was created
  let frames = 0;        // frames stepped
  let inFrame = false;

  function noteError(kind, e) {
    if (kind === "rejection") sig.rejections += 1; else sig.errors += 1;
    if (sig.error_list.length < MAX_ERRORS_KEPT) {
      const [message, stack] = headOf(e);
      sig.error_list[sig.error_list.length] = { kind, message, stack, frame: frames, t: vnow / 1000 };
    }
  }
  // Errors reach us as window "error" events (uncaught, from listeners, or reportError below); we
  // listen first, in the capture phase, so a game's handler cannot hide them.
  apply(addListener, window, ["error", function (ev) {
    if (!(ev instanceof ErrorEvent_)) return; // a resource failing to load, not a script error
    noteError("error", ev.error !== undefined && ev.error !== null ? ev.error : ev.message);
  }, true]);
  apply(addListener, window, ["unhandledrejection", function (ev) { noteError("rejection", ev.reason); }, true]);

  function report(e) {
    if (realReportError) {
      try { realReportError(e); return; } catch (x) { /* fall through */ }
    }
    noteError("error", e);
    if (consoleReports++ < MAX_CONSOLE_REPORTS) {
      const [message, stack] = headOf(e);
      consoleError("[ludeme-harness] uncaught in callback: " + message + (stack ? "\n" + stack : ""));
    }
  }
  function invoke(fn, self, args) {
    try { apply(fn, self, args); } catch (e) { report(e); }
  }

  // ------------------------------------------------------------------ seeded randomness
  // @include prng.js
  const nextU32 = seededStream((Number(cfg.seed) || 0) >>> 0);
  const random = function random() { return nextU32() / 4294967296; };
  lock(Math, "random", random);
  if (window.Crypto && Crypto.prototype.getRandomValues) {
    const getRandomValues = function getRandomValues(arr) {
      if (!ArrayBuffer.isView(arr) || arr instanceof Float32Array || arr instanceof Float64Array ||
          arr instanceof DataView) {
        throw new DOMException_("The provided ArrayBufferView is not an integer array", "TypeMismatchError");
      }
      if (arr.byteLength > 65536) throw new DOMException_("byteLength exceeds 65536", "QuotaExceededError");
      const u8 = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
      for (let i = 0; i < u8.length; i += 4) {
        let v = nextU32();
        for (let j = 0; j < 4 && i + j < u8.length; j++) { u8[i + j] = v & 255; v >>>= 8; }
      }
      return arr;
    };
    lock(Crypto.prototype, "getRandomValues", getRandomValues);
    lock(Crypto.prototype, "randomUUID", function randomUUID() {
      const b = getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
      let h = "";
      for (let i = 0; i < 16; i++) {
        h += (b[i] + 256).toString(16).slice(1);
        if (i === 3 || i === 5 || i === 7 || i === 9) h += "-";
      }
      return h;
    });
  }

  // ------------------------------------------------------------------ virtual clock
  const epoch = Number.isFinite(cfg.epoch) ? cfg.epoch : 1704067200000; // 2024-01-01T00:00:00Z
  const defaultDt = 1000 / (Number(cfg.simHz) > 0 ? Number(cfg.simHz) : 60);
  // Time is base + (frames - baseFrame) * dt so that 120 frames of 1000/60 ms are 2000 ms, not
  // 1999.9999: a setTimeout(…, 2000) fires exactly at frame 120.
  let clockBase = 0, clockBaseFrame = 0, clockDt = defaultDt;
  const EPS = 1e-6;

  const perfNow = function now() { return vnow; };
  lock(performance, "now", perfNow);
  lock(Performance.prototype, "now", perfNow);
  try {
    define(Event.prototype, "timeStamp", { get: () => vnow, configurable: false, enumerable: true });
  } catch (e) { /* left real */ }

  const dateNow = function now() { return Math.floor(epoch + vnow); };
  const VDate = function Date(...args) {
    if (!new.target) return new RealDate(epoch + vnow).toString();
    if (args.length === 0) return construct(RealDate, [epoch + vnow], new.target);
    return construct(RealDate, args, new.target);
  };
  VDate.prototype = RealDate.prototype;
  VDate.now = dateNow;
  VDate.parse = RealDate.parse;
  VDate.UTC = RealDate.UTC;
  try { define(RealDate.prototype, "constructor", { value: VDate, writable: true, configurable: true, enumerable: false }); } catch (e) {}
  lock(window, "Date", VDate);

  // Timers: a binary heap on (due, seq); cleared timers are dropped lazily.
  const timers = new Map(); // id -> timer
  const heap = [];
  let timerSeq = 0, nextTimerId = 1, currentNesting = 0;
  function before(a, b) { return a.due < b.due || (a.due === b.due && a.seq < b.seq); }
  function heapPush(t) {
    let i = heap.length; heap[i] = t;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[i], heap[p])) break;
      const x = heap[i]; heap[i] = heap[p]; heap[p] = x; i = p;
    }
  }
  function heapPop() {
    const top = heap[0], last = heap[heap.length - 1];
    heap.length -= 1;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l], heap[m])) m = l;
        if (r < heap.length && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        const x = heap[i]; heap[i] = heap[m]; heap[m] = x; i = m;
      }
    }
    return top;
  }
  function toDelay(d) {
    d = mathTrunc(Number(d)); // WebIDL `long`
    return Number.isFinite(d) && d > 0 ? mathMin(d, 2147483647) : 0;
  }
  function toCallback(fn) {
    if (typeof fn === "function") return fn;
    const code = String(fn);
    return function () { (0, eval)(code); }; // eslint-disable-line no-eval — what the browser does
  }
  function addTimer(fn, delay, args, repeat) {
    const nesting = currentNesting + 1;
    delay = toDelay(delay);
    if (nesting > 5 && delay < 4) delay = 4; // the HTML clamp, so setTimeout(f, 0) chains progress
    const id = nextTimerId++;
    const t = { id, due: vnow + delay, seq: timerSeq++, fn: toCallback(fn), args,
      interval: repeat ? mathMax(4, delay) : -1, nesting, live: true };
    timers.set(id, t);
    heapPush(t);
    return id;
  }
  function clearTimer(id) {
    const t = timers.get(Number(id));
    if (t) { t.live = false; timers.delete(t.id); }
  }
  const setTimeout_ = function setTimeout(fn, delay, ...args) { sig.timeouts += 1; return addTimer(fn, delay, args, false); };
  const setInterval_ = function setInterval(fn, delay, ...args) { sig.intervals += 1; return addTimer(fn, delay, args, true); };
  const clearTimeout_ = function clearTimeout(id) { clearTimer(id); };
  const clearInterval_ = function clearInterval(id) { clearTimer(id); };
  lock(window, "setTimeout", setTimeout_);
  lock(window, "setInterval", setInterval_);
  lock(window, "clearTimeout", clearTimeout_);
  lock(window, "clearInterval", clearInterval_);

  // requestIdleCallback: a virtual timer; timeRemaining() shrinks by 1 ms per call so
  // `while (deadline.timeRemaining() > 0)` loops end, deterministically.
  const requestIdleCallback_ = function requestIdleCallback(cb, opts) {
    sig.idle_callbacks += 1;
    let left = 10;
    const deadline = { didTimeout: false, timeRemaining() { left = mathMax(0, left - 1); return left; } };
    return addTimer(function () { apply(cb, window, [deadline]); }, 1, [], false);
  };
  lock(window, "requestIdleCallback", requestIdleCallback_);
  lock(window, "cancelIdleCallback", clearTimeout_);

  let rafPending = new Map(); // id -> callback, for the next frame
  let rafRunning = null;      // the frame's batch while it runs (cancel reaches into it)
  let nextRafId = 1;
  const raf = function requestAnimationFrame(cb) {
    if (typeof cb !== "function") throw new TypeError("requestAnimationFrame: callback is not a function");
    sig.raf_requests += 1;
    const id = nextRafId++;
    rafPending.set(id, cb);
    return id;
  };
  const caf = function cancelAnimationFrame(id) {
    id = Number(id);
    rafPending.delete(id);
    if (rafRunning) rafRunning.delete(id);
  };
  for (const [name, fn] of [["requestAnimationFrame", raf], ["webkitRequestAnimationFrame", raf],
                            ["cancelAnimationFrame", caf], ["webkitCancelAnimationFrame", caf],
                            ["webkitCancelRequestAnimationFrame", caf]]) {
    lock(window, name, fn);
  }

  const MAX_TIMER_FIRES_PER_FRAME = 5000;

  function runFrame(dt) {
    if (dt !== clockDt) { clockBase = vnow; clockBaseFrame = frames; clockDt = dt; }
    const frameEnd = clockBase + (frames + 1 - clockBaseFrame) * clockDt;
    let fires = 0;
    while (heap.length > 0 && heap[0].due <= frameEnd + EPS) {
      if (fires >= MAX_TIMER_FIRES_PER_FRAME) { sig.timer_overflow += 1; break; }
      const t = heapPop();
      if (!t.live) continue;
      if (t.due > vnow) vnow = t.due;
      fires += 1;
      sig.timer_fires += 1;
      if (t.interval < 0) { t.live = false; timers.delete(t.id); }
      currentNesting = t.nesting;
      invoke(t.fn, window, t.args);
      currentNesting = 0;
      if (t.live && t.interval >= 0) { t.due = t.due + t.interval; t.seq = timerSeq++; heapPush(t); }
    }
    vnow = frameEnd;
    frames += 1;
    rafRunning = rafPending;
    rafPending = new Map();
    for (const [id, cb] of rafRunning) {
      if (!rafRunning.has(id)) continue; // cancelled by an earlier callback of this frame
      sig.raf_calls += 1;
      invoke(cb, window, [vnow]);
    }
    rafRunning = null;
    frameDrawn();
  }

  function step(n, dt) {
    n = mathMax(0, mathTrunc(Number(n) || 0));
    dt = Number(dt) > 0 ? Number(dt) : defaultDt;
    if (inFrame) { sig.reentrant_calls += 1; throw new Error("__ludemeHarness.step: re-entrant call"); }
    inFrame = true;
    const t0 = realNow();
    try { for (let i = 0; i < n; i++) runFrame(dt); } finally { inFrame = false; }
    return stringify({ frame: frames, time: vnow / 1000, cost: realNow() - t0 });
  }

  // ------------------------------------------------------------------ sound
  const audioContexts = [];
  const audioEvents = [];
  const MAX_AUDIO_EVENTS = 20000, MAX_AUDIO_CONTEXTS = 16;
  const sampleRate = Number(cfg.sampleRate) > 0 ? Number(cfg.sampleRate) : 48000;
  const audioSeconds = Number(cfg.audioSeconds) > 0 ? Number(cfg.audioSeconds) : 10;
  const audioLength = mathMax(1, Math.ceil(audioSeconds * sampleRate));
  const RealOffline = window.OfflineAudioContext;
  let VAudioContext = null;
  const live = new WeakMap(); // virtual context -> {state, starts}
  let nodeContext = null, startRendering = null, setValueAtTime = null, audioPromise = null, audioResult = null;
  if (RealOffline && window.AudioScheduledSourceNode) {
    startRendering = RealOffline.prototype.startRendering;
    nodeContext = Object.getOwnPropertyDescriptor(AudioNode.prototype, "context").get;
    VAudioContext = class AudioContext extends RealOffline {
      constructor(options) {
        if (audioContexts.length >= MAX_AUDIO_CONTEXTS) {
          sig.audio_contexts_refused += 1;
          throw new DOMException_("Too many AudioContexts", "NotSupportedError");
        }
        super({ numberOfChannels: 2, length: audioLength, sampleRate });
        live.set(this, { state: "running", starts: 0 });
        audioContexts[audioContexts.length] = this;
        sig.audio_contexts += 1;
      }
      get currentTime() { return vnow / 1000; }
      get state() { const s = live.get(this); return s ? s.state : "closed"; }
      get baseLatency() { return 0; }
      get outputLatency() { return 0; }
      get sinkId() { return ""; }
      getOutputTimestamp() { return { contextTime: vnow / 1000, performanceTime: vnow }; }
      resume() {
        const s = live.get(this);
        if (s && s.state !== "closed") s.state = "running";
        return Promise.resolve();
      }
      suspend() {
        const s = live.get(this);
        if (s && s.state !== "closed") s.state = "suspended";
        return Promise.resolve();
      }
      close() { const s = live.get(this); if (s) s.state = "closed"; return Promise.resolve(); }
      setSinkId() { return Promise.resolve(); }
      // Media elements are not recorded: a silent node keeps the graph valid.
      createMediaElementSource() { sig.media_elements += 1; return this.createGain(); }
      createMediaStreamSource() { return this.createGain(); }
      createMediaStreamTrackSource() { return this.createGain(); }
      createMediaStreamDestination() { const g = this.createGain(); g.stream = null; return g; }
    };
    lock(window, "AudioContext", VAudioContext);
    lock(window, "webkitAudioContext", VAudioContext);

    const isVirtual = (node) => {
      try { return apply(nodeContext, node, []) instanceof VAudioContext; } catch (e) { return false; }
    };
    const kindOf = (node) => node instanceof OscillatorNode ? "oscillator"
      : node instanceof AudioBufferSourceNode ? "buffer"
      : (window.ConstantSourceNode && node instanceof ConstantSourceNode) ? "constant" : "source";
    const proto = AudioScheduledSourceNode.prototype;
    const realStart = proto.start, realStop = proto.stop;
    lock(proto, "start", function start(when, ...rest) {
      if (!isVirtual(this)) return apply(realStart, this, [when, ...rest]);
      const now = vnow / 1000;
      const w = Number(when);
      const at = when === undefined || !Number.isFinite(w) || w < now ? now : w;
      const result = apply(realStart, this, [at, ...rest]); // throws if started twice: not a sound
      sig.audio_starts += 1;
      const st = live.get(apply(nodeContext, this, []));
      if (st) st.starts += 1;
      if (audioEvents.length < MAX_AUDIO_EVENTS) audioEvents[audioEvents.length] = { t: at, kind: kindOf(this) };
      return result;
    });
    lock(proto, "stop", function stop(when) {
      if (!isVirtual(this)) return apply(realStop, this, arguments);
      const now = vnow / 1000;
      const w = Number(when);
      return apply(realStop, this, [when === undefined || !Number.isFinite(w) || w < now ? now : w]);
    });
    // param.value = v means "from now on" in a live context; in an offline one it would set the
    // value for the whole render. Add the automation event at the virtual now as well.
    const valueDesc = Object.getOwnPropertyDescriptor(AudioParam.prototype, "value");
    setValueAtTime = AudioParam.prototype.setValueAtTime;
    if (valueDesc && valueDesc.set) {
      define(AudioParam.prototype, "value", {
        get: valueDesc.get,
        set: function (v) {
          apply(valueDesc.set, this, [v]);
          if (vnow > 0 && audioContexts.length > 0) {
            try { apply(setValueAtTime, this, [Number(v), vnow / 1000]); } catch (e) { /* non-finite */ }
          }
        },
        enumerable: true, configurable: false,
      });
    }
  }
  if (window.HTMLMediaElement) {
    const play = HTMLMediaElement.prototype.play;
    lock(HTMLMediaElement.prototype, "play", function playMedia() {
      sig.media_elements += 1; // not recorded: <audio>/<video> run on real time
      return apply(play, this, arguments);
    });
  }

  // Mixes every context that started a sound, renders once, and caches the mono Float32 PCM.
  function renderAudio() {
    if (audioPromise) return audioPromise;
    const used = [];
    for (const ctx of audioContexts) {
      const st = live.get(ctx);
      if (st && st.starts > 0) used[used.length] = ctx;
    }
    audioPromise = Promise.all(used.map((ctx) => apply(startRendering, ctx, []))).then((buffers) => {
      const mono = new Float32Array(audioLength);
      for (const buf of buffers) {
        const nch = buf.numberOfChannels;
        for (let c = 0; c < nch; c++) {
          const d = buf.getChannelData(c);
          const n = mathMin(d.length, mono.length);
          for (let i = 0; i < n; i++) mono[i] += d[i] / nch;
        }
      }
      return mono;
    });
    return audioPromise;
  }
  function pcm16Base64(mono) {
    const bytes = new Uint8Array(mono.length * 2);
    const view = new DataView(bytes.buffer);
    let peak = 0;
    for (let i = 0; i < mono.length; i++) {
      let v = mono[i];
      if (!(v === v)) v = 0;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      v = v > 1 ? 1 : v < -1 ? -1 : v;
      view.setInt16(i * 2, mathRound(v * 32767), true);
    }
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += apply(fromCharCode, null, bytes.subarray(i, i + 0x8000));
    return [btoa_(s), peak];
  }
  function startAudio() {
    if (audioResult === null) {
      audioResult = "";
      const t0 = realNow();
      renderAudio().then((mono) => {
        const [b64, peak] = pcm16Base64(mono);
        audioResult = stringify({ sampleRate, length: mono.length, peak, contexts: audioContexts.length,
          ms: realNow() - t0, pcm16: b64 });
      }, (e) => { audioResult = stringify({ error: headOf(e)[0] }); });
    }
    return "started";
  }

  // ------------------------------------------------------------------ storage: private, capped
  const storageLimit = Number(cfg.storageLimit) > 0 ? Number(cfg.storageLimit) : 1048576;
  function makeStorage() {
    const data = new Map();
    const api = {
      getItem(k) { k = String(k); return data.has(k) ? data.get(k) : null; },
      setItem(k, v) {
        k = String(k); v = String(v);
        const cost = (k.length + v.length) * 2; // UTF-16 bytes
        if (sig.storage_bytes + cost > storageLimit) {
          sig.storage_refused += 1;
          throw new DOMException_("Failed to execute 'setItem' on 'Storage': the quota has been exceeded.",
            "QuotaExceededError");
        }
        sig.storage_writes += 1;
        sig.storage_bytes += cost;
        data.set(k, v);
      },
      removeItem(k) { data.delete(String(k)); },
      clear() { data.clear(); },
      key(i) { i = Number(i); let j = 0; for (const k of data.keys()) { if (j++ === i) return k; } return null; },
    };
    const target = Object.create(window.Storage ? Storage.prototype : Object.prototype);
    return new Proxy(target, {
      get(t, p) {
        if (p === "length") return data.size;
        if (typeof p === "string" && Object.prototype.hasOwnProperty.call(api, p)) return api[p];
        if (typeof p === "string" && data.has(p)) return data.get(p);
        return Reflect.get(t, p);
      },
      set(t, p, v) { if (typeof p === "string") api.setItem(p, v); return true; },
      deleteProperty(t, p) { data.delete(String(p)); return true; },
      has(t, p) { return (typeof p === "string" && data.has(p)) || p in api || p === "length"; },
      ownKeys() { return [...data.keys()]; },
      getOwnPropertyDescriptor(t, p) {
        if (typeof p === "string" && data.has(p)) {
          return { value: data.get(p), writable: true, enumerable: true, configurable: true };
        }
        return undefined;
      },
      defineProperty(t, p, d) { if (typeof p === "string" && "value" in d) api.setItem(p, d.value); return true; },
    });
  }
  lock(window, "localStorage", makeStorage());
  lock(window, "sessionStorage", makeStorage());
  // The real Storage stays reachable (e.g. from an about:blank frame): count and cap it too.
  if (window.Storage && Storage.prototype.setItem) {
    const realSetItem = Storage.prototype.setItem;
    lock(Storage.prototype, "setItem", function setItem(k, v) {
      const cost = (String(k).length + String(v).length) * 2;
      if (sig.storage_bytes + cost > storageLimit) {
        sig.storage_refused += 1;
        throw new DOMException_("Failed to execute 'setItem' on 'Storage': the quota has been exceeded.",
          "QuotaExceededError");
      }
      sig.storage_writes += 1;
      sig.storage_bytes += cost;
      return apply(realSetItem, this, [k, v]);
    });
  }

  // ------------------------------------------------------------------ native bridge probes
  function probe(name) { sig.bridge[name] = (sig.bridge[name] || 0) + 1; }
  function trapObject(prefix) {
    return new Proxy(Object.freeze(Object.create(null)), {
      get(t, p) { if (typeof p === "string") probe(prefix + "." + p); return undefined; },
      has(t, p) { if (typeof p === "string") probe(prefix + "." + p); return false; },
    });
  }
  function trapGlobal(name, value) {
    try {
      define(window, name, { get() { probe(name); return value; }, set: noop, configurable: false, enumerable: false });
    } catch (e) { /* already defined by the platform */ }
  }
  trapGlobal("qt", trapObject("qt"));
  if (!("webkit" in window)) trapGlobal("webkit", trapObject("webkit"));
  for (const name of ["QWebChannel", "pywebview", "_pywebview", "__TAURI__", "__TAURI_INTERNALS__",
                      "__TAURI_IPC__", "cefQuery", "cefQueryCancel", "ipcRenderer"]) {
    trapGlobal(name, undefined);
  }
  function trapMember(obj, prefix, name) {
    if (!obj || (typeof obj !== "object" && typeof obj !== "function")) return;
    try {
      define(obj, name, { get() { probe(prefix + "." + name); return undefined; }, set: noop,
        configurable: false, enumerable: false });
    } catch (e) {}
  }
  if (window.chrome) trapMember(window.chrome, "chrome", "webview");
  else trapGlobal("chrome", trapObject("chrome"));
  trapMember(window.external, "external", "invoke");

  // ------------------------------------------------------------------ input driver
  const KEY_TABLE = {
    ArrowLeft: ["ArrowLeft", 37], ArrowUp: ["ArrowUp", 38], ArrowRight: ["ArrowRight", 39], ArrowDown: ["ArrowDown", 40],
    Space: [" ", 32], Enter: ["Enter", 13], NumpadEnter: ["Enter", 13], Escape: ["Escape", 27], Tab: ["Tab", 9],
    Backspace: ["Backspace", 8], Delete: ["Delete", 46], Insert: ["Insert", 45], Home: ["Home", 36], End: ["End", 35],
    PageUp: ["PageUp", 33], PageDown: ["PageDown", 34],
    ShiftLeft: ["Shift", 16], ShiftRight: ["Shift", 16], ControlLeft: ["Control", 17], ControlRight: ["Control", 17],
    AltLeft: ["Alt", 18], AltRight: ["Alt", 18], MetaLeft: ["Meta", 91], MetaRight: ["Meta", 93],
    CapsLock: ["CapsLock", 20],
    Minus: ["-", 189], Equal: ["=", 187], BracketLeft: ["[", 219], BracketRight: ["]", 221], Backslash: ["\\", 220],
    Semicolon: [";", 186], Quote: ["'", 222], Backquote: ["`", 192], Comma: [",", 188], Period: [".", 190], Slash: ["/", 191],
  };
  for (let i = 0; i < 26; i++) KEY_TABLE["Key" + fromCharCode(65 + i)] = [fromCharCode(97 + i), 65 + i];
  for (let i = 0; i < 10; i++) {
    KEY_TABLE["Digit" + i] = [String(i), 48 + i];
    KEY_TABLE["Numpad" + i] = [String(i), 96 + i];
  }
  for (let i = 1; i <= 12; i++) KEY_TABLE["F" + i] = ["F" + i, 111 + i];
  const CHAR_TO_CODE = { " ": "Space" };
  for (const code in KEY_TABLE) {
    const k = KEY_TABLE[code][0];
    if (k.length === 1 && !(k in CHAR_TO_CODE) && !code.startsWith("Numpad")) CHAR_TO_CODE[k] = code;
  }
  const held = new Map();
  const mods = { shiftKey: false, ctrlKey: false, altKey: false, metaKey: false };
  const MOD_OF = { Shift: "shiftKey", Control: "ctrlKey", Alt: "altKey", Meta: "metaKey" };

  function keyTarget() {
    let t = null;
    try { t = apply(activeElementGet, document, []); } catch (e) {}
    return t || document.body || document.documentElement || document;
  }
  function keyEvent(type, init, keyCode, charCode) {
    const ev = new KeyboardEvent_(type, init);
    // Chromium honours keyCode/which/charCode in the init dict; make sure anyway.
    if (ev.keyCode !== keyCode) { try { define(ev, "keyCode", { get: () => keyCode }); define(ev, "which", { get: () => keyCode || charCode }); } catch (e) {} }
    if (charCode && ev.charCode !== charCode) { try { define(ev, "charCode", { get: () => charCode }); } catch (e) {} }
    return ev;
  }
  function key(code, down) {
    inputSinceGrab = true;
    code = String(code);
    down = down === undefined ? true : !!down;
    if (!(code in KEY_TABLE) && code in CHAR_TO_CODE) code = CHAR_TO_CODE[code];
    if (!(code in KEY_TABLE) && code.length === 1 && code.toLowerCase() in CHAR_TO_CODE) code = CHAR_TO_CODE[code.toLowerCase()];
    const entry = KEY_TABLE[code] || [code, 0];
    let k = entry[0];
    const keyCode = entry[1];
    if (MOD_OF[k]) mods[MOD_OF[k]] = down;
    if (mods.shiftKey && k.length === 1 && k >= "a" && k <= "z") k = k.toUpperCase();
    const repeat = down && held.get(code) === true;
    held.set(code, down);
    const location = /Left$/.test(code) && MOD_OF[k] ? 1 : /Right$/.test(code) && MOD_OF[k] ? 2 : /^Numpad/.test(code) ? 3 : 0;
    const init = { key: k, code, keyCode, which: keyCode, charCode: 0, location, repeat,
      bubbles: true, cancelable: true, composed: true, view: window,
      shiftKey: mods.shiftKey, ctrlKey: mods.ctrlKey, altKey: mods.altKey, metaKey: mods.metaKey };
    const target = keyTarget();
    const ev = keyEvent(down ? "keydown" : "keyup", init, keyCode, 0);
    apply(dispatch, target, [ev]);
    // keypress follows a keydown that produces a character (or Enter), unless it was prevented.
    if (down && !ev.defaultPrevented && !mods.ctrlKey && !mods.metaKey && (k.length === 1 || k === "Enter")) {
      const cc = k === "Enter" ? 13 : k.charCodeAt(0);
      init.keyCode = cc; init.which = cc; init.charCode = cc;
      apply(dispatch, target, [keyEvent("keypress", init, cc, cc)]);
    }
    return stringify({ code, key: k, keyCode, prevented: ev.defaultPrevented });
  }

  function mainCanvas() {
    const list = apply(getByTag, document, ["canvas"]);
    let best = null, bestArea = -1;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      let area;
      try { const r = apply(rectOf, c, []); area = r.width * r.height; } catch (e) { area = 0; }
      // Displayed area first, backing store as a tie-break for hidden canvases.
      const backing = apply(canvasW.get, c, []) * apply(canvasH.get, c, []);
      const score = area * 1e9 + backing;
      if (score > bestArea) { best = c; bestArea = score; }
    }
    return best;
  }
  const logical = Array.isArray(cfg.logicalSize) && cfg.logicalSize.length === 2 ? cfg.logicalSize : null;
  const pointerState = { buttons: 0, x: 0, y: 0, downTarget: null, compat: true };
  function pointer(x, y, action, space) {
    inputSinceGrab = true;
    action = String(action || "move");
    const c = mainCanvas();
    let r = { left: 0, top: 0, width: window.innerWidth, height: window.innerHeight };
    let lw = logical ? logical[0] : r.width, lh = logical ? logical[1] : r.height;
    if (space === "client") { lw = r.width; lh = r.height; }
    else if (c) {
      r = apply(rectOf, c, []);
      lw = logical ? logical[0] : apply(canvasW.get, c, []);
      lh = logical ? logical[1] : apply(canvasH.get, c, []);
    }
    const cx = r.left + (Number(x) || 0) / (lw || 1) * r.width;
    const cy = r.top + (Number(y) || 0) / (lh || 1) * r.height;
    let target = null;
    try { target = apply(elementFromPoint, document, [cx, cy]); } catch (e) {}
    target = target || c || document.body || document;
    const movementX = cx - pointerState.x, movementY = cy - pointerState.y;
    pointerState.x = cx; pointerState.y = cy;
    if (action === "down") pointerState.buttons = 1;
    if (action === "up") pointerState.buttons = 0;
    const init = { bubbles: true, cancelable: true, composed: true, view: window, detail: action === "move" ? 0 : 1,
      clientX: cx, clientY: cy, screenX: cx, screenY: cy, movementX, movementY,
      button: action === "move" ? -1 : 0, buttons: pointerState.buttons,
      shiftKey: mods.shiftKey, ctrlKey: mods.ctrlKey, altKey: mods.altKey, metaKey: mods.metaKey,
      pointerId: 1, pointerType: "mouse", isPrimary: true, width: 1, height: 1,
      pressure: pointerState.buttons ? 0.5 : 0 };
    const type = action === "down" ? "down" : action === "up" ? "up" : "move";
    const pev = new PointerEvent_("pointer" + type, init);
    apply(dispatch, target, [pev]);
    if (type === "down") pointerState.compat = !pev.defaultPrevented; // a prevented pointerdown suppresses mouse events
    let mousePrevented = false;
    if (pointerState.compat) {
      const mev = new MouseEvent_("mouse" + type, init);
      apply(dispatch, target, [mev]);
      mousePrevented = mev.defaultPrevented;
    }
    if (type === "down") {
      pointerState.downTarget = target;
      if (!mousePrevented) {
        let f = target;
        while (f && f.nodeType === 1 && !(f.tabIndex >= 0)) f = f.parentElement;
        if (f && f.nodeType === 1) { try { apply(focusEl, f, [{ preventScroll: true, focusVisible: false }]); } catch (e) {} }
      }
    } else if (type === "up") {
      if (pointerState.downTarget) {
        const click = pointerState.downTarget === target || (pointerState.downTarget.contains && pointerState.downTarget.contains(target))
          ? target : (target.contains && target.contains(pointerState.downTarget) ? target : null);
        if (click) apply(dispatch, click, [new PointerEvent_("click", init)]);
      }
      pointerState.downTarget = null;
      pointerState.compat = true;
    }
    return stringify({ x: cx, y: cy, target: target && target.tagName ? String(target.tagName).toLowerCase() : null });
  }

  function applyInput(inp) {
    if (!inp || typeof inp !== "object") return;
    try {
      if (inp.type === "key") key(inp.code || inp.key, inp.down);
      else if (inp.type === "pointer") pointer(inp.x, inp.y, inp.action, inp.space);
    } catch (e) { report(e); }
  }

  // Optionally force 2D canvases onto the CPU (willReadFrequently): captures read them back, which
  // on a GPU costs a readback each time. Off by default: without a GPU (offscreen Qt) it changes
  // nothing measurable.
  if (cfg.cpuCanvas === true) {
    lock(HTMLCanvasElement.prototype, "getContext", function getContext2(type, options) {
      if (type === "2d") {
        const o = options && typeof options === "object" ? Object.assign({}, options) : {};
        if (o.willReadFrequently === undefined) o.willReadFrequently = true;
        return apply(getContext, this, [type, o]);
      }
      return apply(getContext, this, arguments);
    });
  }

  // A fill that covers the whole canvas with an opaque colour replaces every pixel, so clearing
  // first changes nothing on screen, but it lets Chromium drop the frames drawn before it instead
  // of rasterising each of them at the next capture (Chromium discards on clearRect, not on an
  // opaque fillRect). Games that clear with fillRect (the kit does) step ~2x faster when captured.
  if (cfg.overdraw !== false) {
    const C2D = CanvasRenderingContext2D.prototype;
    const realFillRect = C2D.fillRect, clearRect = C2D.clearRect, getTransform = C2D.getTransform;
    const setTransform = C2D.setTransform, save = C2D.save, restore = C2D.restore;
    const g = (name) => Object.getOwnPropertyDescriptor(C2D, name).get;
    const fillStyleGet = g("fillStyle"), alphaGet = g("globalAlpha"), gcoGet = g("globalCompositeOperation"),
      filterGet = g("filter"), shadowColorGet = g("shadowColor"), canvasGet = g("canvas");
    const covers = function (ctx, x, y, w, h) {
      const fs = apply(fillStyleGet, ctx, []);
      if (typeof fs !== "string" || fs.charCodeAt(0) !== 35) return false; // "#rrggbb" = opaque colour
      if (apply(alphaGet, ctx, []) !== 1 || apply(gcoGet, ctx, []) !== "source-over") return false;
      if (filterGet && apply(filterGet, ctx, []) !== "none") return false;
      if (apply(shadowColorGet, ctx, []) !== "rgba(0, 0, 0, 0)") return false;
      const cv = apply(canvasGet, ctx, []);
      if (!cv || !(cv instanceof HTMLCanvasElement)) return false;
      const m = apply(getTransform, ctx, []);
      if (m.b !== 0 || m.c !== 0) return false;
      const x0 = m.a * x + m.e, x1 = m.a * (x + w) + m.e, y0 = m.d * y + m.f, y1 = m.d * (y + h) + m.f;
      return mathMin(x0, x1) <= 0 && mathMin(y0, y1) <= 0 &&
        mathMax(x0, x1) >= apply(canvasW.get, cv, []) && mathMax(y0, y1) >= apply(canvasH.get, cv, []);
    };
    lock(C2D, "fillRect", function fillRect(x, y, w, h) {
      try {
        if (covers(this, Number(x), Number(y), Number(w), Number(h))) {
          const cv = apply(canvasGet, this, []);
          apply(save, this, []);
          apply(setTransform, this, [1, 0, 0, 1, 0, 0]);
          apply(clearRect, this, [0, 0, apply(canvasW.get, cv, []), apply(canvasH.get, cv, [])]);
          apply(restore, this, []);
        }
      } catch (e) { /* never let the hint break a draw */ }
      return apply(realFillRect, this, arguments);
    });
  }

  // ------------------------------------------------------------------ capture and telemetry
  // Whole page or canvas only? A capture reads the main canvas alone (fast: a JPEG made in the
  // page) only when that is exactly what a person sees: the canvas is shown, and nothing else on
  // the page paints (no visible text, image, control, SVG, other canvas, background, border or
  // shadow outside the canvas's ancestors). Anything else (DOM overlays, score divs, DOM-grid
  // games, pages without a canvas) is captured by the host from the composited page
  // (HarnessSession.grab_page). The answer is recomputed only after the DOM changed.
  const PAINTS = new Set(["IMG", "SVG", "VIDEO", "CANVAS", "INPUT", "BUTTON", "SELECT", "TEXTAREA", "IFRAME",
    "OBJECT", "EMBED", "PROGRESS", "METER", "PICTURE", "svg"]);
  const SKIP = new Set(["SCRIPT", "STYLE", "LINK", "META", "TITLE", "NOSCRIPT", "TEMPLATE", "BR", "HEAD", "HTML", "BODY"]);
  const MAX_ELEMENTS = 4000;
  let domDirty = true, canvasOnlyCache = false, observer = null;
  function watchDom() {
    if (observer || !MutationObserver_ || !document.documentElement) return;
    try {
      observer = new MutationObserver_(function () { domDirty = true; });
      observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    } catch (e) { observer = null; }
  }
  function transparent(colour) {
    return !colour || colour === "transparent" || /^rgba\(.*,\s*0\)$/.test(colour);
  }
  function paintsItself(el, st) {
    if (PAINTS.has(el.tagName)) return true;
    if (st.backgroundImage && st.backgroundImage !== "none") return true;
    if (!transparent(st.backgroundColor)) return true;
    if (st.boxShadow && st.boxShadow !== "none") return true;
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      if (parseFloat(st["border" + side + "Width"]) > 0 && st["border" + side + "Style"] !== "none" &&
          !transparent(st["border" + side + "Color"])) return true;
    }
    if (parseFloat(st.outlineWidth) > 0 && st.outlineStyle !== "none") return true;
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && /\S/.test(n.data)) return true;
    }
    return false;
  }
  function shown(el, st) {
    if (st.display === "none" || st.visibility === "hidden" || st.visibility === "collapse") return false;
    if (Number(st.opacity) === 0) return false;
    let rects;
    try { rects = apply(clientRects, el, []); } catch (e) { return false; }
    if (!rects.length) return false;
    const r = apply(rectOf, el, []);
    if (r.width <= 0 || r.height <= 0) return el.firstChild !== null && st.overflow === "visible";
    return r.right > 0 && r.bottom > 0 && r.left < window.innerWidth && r.top < window.innerHeight;
  }
  function computeCanvasOnly() {
    const c = mainCanvas();
    if (!c || !document.body) return false;
    let st;
    try { st = computedStyle(c); } catch (e) { return false; }
    if (!shown(c, st) || st.filter !== "none" || st.mixBlendMode !== "normal") return false;
    for (let a = c.parentElement; a; a = a.parentElement) {
      const s2 = computedStyle(a);
      if (Number(s2.opacity) < 1 || s2.filter !== "none") return false;
    }
    const all = document.body.getElementsByTagName("*");
    if (all.length > MAX_ELEMENTS) return false;
    for (let i = 0; i < all.length; i++) {
      const el = all[i];
      if (el === c || SKIP.has(el.tagName)) continue;
      if (el.contains(c)) {
        // a wrapper of the canvas: only what it paints outside the canvas matters, and a plain
        // background behind a canvas is the letterbox a capture draws anyway
        const s3 = computedStyle(el);
        if ((s3.backgroundImage && s3.backgroundImage !== "none") || (s3.boxShadow && s3.boxShadow !== "none")) return false;
        for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3 && /\S/.test(n.data)) return false;
        continue;
      }
      let s4;
      try { s4 = computedStyle(el); } catch (e) { continue; }
      if (shown(el, s4) && paintsItself(el, s4)) return false;
    }
    for (let n = document.body.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && /\S/.test(n.data)) return false;
    }
    return true;
  }
  function canvasOnly() {
    watchDom();
    if (observer) { if (observer.takeRecords().length) domDirty = true; } else domDirty = true;
    if (domDirty) {
      domDirty = false;
      try { canvasOnlyCache = computeCanvasOnly(); } catch (e) { canvasOnlyCache = false; }
    }
    return canvasOnlyCache;
  }
  let pageCaptures = 0, pageReused = 0;

  // A whole-page grab waits for the compositor (tens of milliseconds). When nothing that paints
  // has changed since the last grab, the host reuses that grab instead: exact, because with no
  // DOM mutation, input or scroll since, and nothing that paints on real time on the page
  // (running CSS or Web animations, SMIL, canvases, video, iframes, animated images, a text caret,
  // fonts or images still loading), the composited page is the same one. DOM games that redraw
  // a few times a second capture several times faster.
  let inputSinceGrab = true, paintTouched = true, grabbedOnce = false, pageObserver = null, scrollSeen = false, scrollAt = "";
  const REALTIME = "canvas,video,iframe,embed,object,marquee,animate,animateMotion,animateTransform,set," +
    "img[src$='.gif' i],img[src^='data:image/gif' i],img[src$='.webp' i],img[src$='.apng' i]";
  const querySelector = Element.prototype.querySelector;
  function scrollKey() { return window.scrollX + "," + window.scrollY; }
  // What paints differently without a DOM mutation: form values and checks set by script,
  // element scrolling, style sheets edited through the CSSOM. (A style rule's properties set
  // one by one, rule.style.color = ..., are not seen: no game here does that every frame.)
  function touches(proto, name) {
    const d = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!d) return;
    try {
      if (typeof d.value === "function") {
        const f = d.value;
        lock(proto, name, function () { paintTouched = true; return apply(f, this, arguments); });
      } else if (d.set) {
        const set = d.set;
        define(proto, name, { get: d.get, set: function (v) { paintTouched = true; apply(set, this, [v]); },
          enumerable: d.enumerable, configurable: false });
      }
    } catch (e) { /* left as it was */ }
  }
  for (const [proto, names] of [
    [HTMLInputElement.prototype, ["value", "checked", "indeterminate", "valueAsNumber"]],
    [HTMLTextAreaElement.prototype, ["value"]],
    [HTMLSelectElement.prototype, ["value", "selectedIndex"]],
    [HTMLOptionElement.prototype, ["selected"]],
    [Element.prototype, ["scrollTop", "scrollLeft", "scrollTo", "scrollBy", "scrollIntoView"]],
    [window.CSSStyleSheet && CSSStyleSheet.prototype, ["insertRule", "deleteRule", "addRule", "removeRule", "replace", "replaceSync"]],
    [Document.prototype, ["adoptedStyleSheets"]],
    [CSSStyleDeclaration.prototype, ["setProperty", "removeProperty", "cssText"]],
  ]) for (const n of names) touches(proto, n);
  function watchPage() {
    if (pageObserver || !MutationObserver_ || !document.documentElement) return;
    try {
      pageObserver = new MutationObserver_(function () {});
      pageObserver.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      apply(addListener, document, ["scroll", function () { scrollSeen = true; }, { capture: true, passive: true }]);
    } catch (e) { pageObserver = null; }
  }
  function paintsOnRealTime() {
    const root = document.documentElement;
    if (!root) return true;
    if (apply(querySelector, root, [REALTIME])) return true;
    const anims = typeof document.getAnimations === "function" ? document.getAnimations() : [];
    for (let i = 0; i < anims.length; i++) if (anims[i].playState === "running") return true;
    const imgs = apply(getByTag, document, ["img"]);
    for (let i = 0; i < imgs.length; i++) if (!imgs[i].complete) return true;
    if (document.fonts && document.fonts.status !== "loaded") return true;
    const a = apply(activeElementGet, document, []);
    if (a && (a.isContentEditable || a.tagName === "INPUT" || a.tagName === "TEXTAREA")) return true;
    return false;
  }
  function pageUnchanged() {
    watchPage();
    if (!pageObserver || !grabbedOnce || inputSinceGrab || paintTouched || scrollSeen) return false;
    if (pageObserver.takeRecords().length) return false;
    if (scrollKey() !== scrollAt) return false;
    try { return !paintsOnRealTime(); } catch (e) { return false; }
  }
  function pageGrabbed() {
    watchPage();
    if (pageObserver) pageObserver.takeRecords();
    inputSinceGrab = false; paintTouched = false; scrollSeen = false; scrollAt = scrollKey(); grabbedOnce = true;
  }

  // ------------------------------------------------------------------ what the page shows (bots)
  // Listeners for clicks are noted (the element, not the function) so a bot can find what is
  // clickable; text drawn on canvases is noted with where it landed, so a bot can find a button
  // drawn on a canvas. Both wrap the originals and change nothing else.
  const clickListened = new WeakSet();
  const CLICK_TYPES = new Set(["click", "mousedown", "mouseup", "pointerdown", "pointerup", "touchstart", "touchend", "dblclick"]);
  const INPUT_TYPES = new Set([...CLICK_TYPES, "keydown", "keyup", "keypress", "mousemove", "pointermove", "touchmove", "wheel", "contextmenu"]);
  try {
    lock(EventTarget.prototype, "addEventListener", function addEventListener(type, fn, opts) {
      try {
        const t = String(type);
        if (CLICK_TYPES.has(t) && this && this.nodeType === 1) clickListened.add(this);
        if (INPUT_TYPES.has(t)) sig.input_listeners += 1;
      } catch (e) {}
      return apply(addListener, this, arguments);
    });
  } catch (e) { /* left alone */ }
  let drawnNow = [], drawnLast = [];
  const MAX_DRAWN = 64;
  for (const name of ["fillText", "strokeText"]) {
    const real = CanvasRenderingContext2D.prototype[name];
    const tf = CanvasRenderingContext2D.prototype.getTransform;
    lock(CanvasRenderingContext2D.prototype, name, function (text, x, y) {
      try {
        if (drawnNow.length < MAX_DRAWN) {
          const str = String(text).slice(0, 60);
          if (/\S/.test(str)) {
            const m = apply(tf, this, []);
            const h = parseFloat(this.font) || 16;  // "bold 24px Arial" → 24 (px fonts, as games use)
            const w = str.length * h * 0.6;         // measureText per draw costs too much per frame
            const align = this.textAlign;
            let x0 = Number(x) || 0;
            if (align === "center") x0 -= w / 2; else if (align === "right" || align === "end") x0 -= w;
            let y0 = Number(y) || 0;
            const base = this.textBaseline;
            if (base === "middle") y0 -= h / 2; else if (base === "alphabetic" || base === "bottom" || base === "ideographic") y0 -= h * 0.8;
            const cx = x0 + w / 2, cy = y0 + h / 2;
            drawnNow[drawnNow.length] = { text: str, canvas: this.canvas, x: m.a * cx + m.c * cy + m.e,
              y: m.b * cx + m.d * cy + m.f, w: w * Math.abs(m.a), h: h * Math.abs(m.d) };
          }
        }
      } catch (e) { /* never let the note break a draw */ }
      return apply(real, this, arguments);
    });
  }
  let drawnAt = 0;
  function frameDrawn() { if (drawnNow.length) { drawnLast = drawnNow; drawnNow = []; drawnAt = vnow; } }
  const START_NAME = /start|play|begin|restart|retry|again|continue|resume/i;
  // Where the main canvas changed since the last look (page pixels, biggest change first): a bot
  // aims its pointer at what moves or appears.
  const MW = 32, MH = 24;
  let motionCanvas = null, motionCtx = null, motionPrev = null;
  function motionCells() {
    const c = mainCanvas();
    if (!c) return [];
    const sw = apply(canvasW.get, c, []), sh = apply(canvasH.get, c, []);
    if (!sw || !sh) return [];
    try {
      if (!motionCanvas) {
        motionCanvas = apply(createElement, document, ["canvas"]);
        apply(canvasW.set, motionCanvas, [MW]); apply(canvasH.set, motionCanvas, [MH]);
        motionCtx = apply(getContext, motionCanvas, ["2d", { willReadFrequently: true }]);
      }
      apply(drawImage, motionCtx, [c, 0, 0, sw, sh, 0, 0, MW, MH]);
      const data = motionCtx.getImageData(0, 0, MW, MH).data;
      const prev = motionPrev;
      motionPrev = data;
      if (!prev || prev.length !== data.length) return [];
      const r = apply(rectOf, c, []);
      const cells = [];
      for (let i = 0; i < MW * MH; i++) {
        const k = i * 4;
        const d = Math.abs(data[k] - prev[k]) + Math.abs(data[k + 1] - prev[k + 1]) + Math.abs(data[k + 2] - prev[k + 2]);
        if (d > 60) cells[cells.length] = [d, i];
      }
      cells.sort((a, b) => b[0] - a[0]);
      return cells.slice(0, 8).map(([d, i]) => ({ x: r.left + ((i % MW) + 0.5) * r.width / MW,
        y: r.top + (Math.floor(i / MW) + 0.5) * r.height / MH }));
    } catch (e) { return []; }
  }
  function observe() {
    const vw = window.innerWidth, vh = window.innerHeight;
    const targets = [];
    const seen = new Set();
    function add(el, clickable) {
      if (seen.has(el) || targets.length >= 60) return;
      seen.add(el);
      let st;
      try { st = computedStyle(el); } catch (e) { return; }
      if (!shown(el, st) || st.pointerEvents === "none") return;
      const r = apply(rectOf, el, []);
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (x < 0 || y < 0 || x > vw || y > vh) return;
      let hit = null;
      try { hit = apply(elementFromPoint, document, [x, y]); } catch (e) {}
      if (hit && hit !== el && !el.contains(hit) && !hit.contains(el)) return; // covered by something else
      const text = String(el.innerText || el.value || el.getAttribute("aria-label") || el.title || "").trim().slice(0, 60);
      const name = String((el.id || "") + " " + (typeof el.className === "string" ? el.className : "")).slice(0, 80);
      targets[targets.length] = { x, y, w: r.width, h: r.height, text, name, tag: el.tagName.toLowerCase(),
        clickable: !!clickable };
    }
    if (document.body) {
      const list = document.body.querySelectorAll("button, a[href], input[type=button], input[type=submit], [role=button], [onclick], [tabindex]");
      for (let i = 0; i < list.length && i < 400; i++) add(list[i], true);
      const all = document.body.getElementsByTagName("*");
      for (let i = 0; i < all.length && i < MAX_ELEMENTS; i++) {
        const el = all[i];
        if (SKIP.has(el.tagName)) continue;
        if (clickListened.has(el) || el.onclick || el.onmousedown || el.onpointerdown || el.ontouchstart) add(el, true);
        else if (START_NAME.test(el.id || "") || (typeof el.className === "string" && START_NAME.test(el.className))) add(el, false);
      }
      if (document.body && (clickListened.has(document.body) || clickListened.has(document.documentElement))) {
        targets[targets.length] = { x: vw / 2, y: vh / 2, w: vw, h: vh, text: "", name: "body", tag: "body", clickable: true };
      }
    }
    const drawn = [];
    for (const d of drawnLast) {
      const c = d.canvas;
      if (!c || !c.isConnected) continue;
      const r = apply(rectOf, c, []);
      const sx = r.width / (apply(canvasW.get, c, []) || 1), sy = r.height / (apply(canvasH.get, c, []) || 1);
      drawn[drawn.length] = { text: d.text, x: r.left + d.x * sx, y: r.top + d.y * sy, w: d.w * sx, h: d.h * sy };
    }
    const motion = motionCells();
    let text = "";
    try { text = document.body ? String(document.body.innerText || "").slice(0, 3000) : ""; } catch (e) {}
    text += "\n" + drawn.map(d => d.text).join("\n");
    return stringify({ targets, drawn, drawnAge: (vnow - drawnAt) / 1000, motion, text, vw, vh, canvasOnly: canvasOnly() });
  }


  let capCanvas = null, capCtx = null;
  function capture(w, h, q) {
    const src = mainCanvas();
    if (!src) return null;
    const sw = apply(canvasW.get, src, []), sh = apply(canvasH.get, src, []);
    if (!sw || !sh) return null;
    w = mathMax(1, mathTrunc(Number(w) || 640)); h = mathMax(1, mathTrunc(Number(h) || 480));
    q = Number(q) > 0 && Number(q) <= 1 ? Number(q) : 0.85;
    if (!capCanvas) {
      capCanvas = apply(createElement, document, ["canvas"]);
    }
    if (apply(canvasW.get, capCanvas, []) !== w || apply(canvasH.get, capCanvas, []) !== h || !capCtx) {
      apply(canvasW.set, capCanvas, [w]); apply(canvasH.set, capCanvas, [h]);
      capCtx = apply(getContext, capCanvas, ["2d", { alpha: false, willReadFrequently: !!cfg.cpuCapture }]);
    }
    const s = mathMin(w / sw, h / sh);
    const dw = sw * s, dh = sh * s;
    try {
      apply(fillStyleSet, capCtx, ["#000"]);
      apply(fillRect, capCtx, [0, 0, w, h]);
      apply(drawImage, capCtx, [src, 0, 0, sw, sh, (w - dw) / 2, (h - dh) / 2, dw, dh]);
      sig.captures += 1;
      return apply(toDataURL, capCanvas, ["image/jpeg", q]);
    } catch (e) {
      sig.capture_errors += 1;
      return null;
    }
  }
  const MAX_TELEMETRY = 65536;
  function telemetryText() {
    let s;
    try {
      const t = window.ludeme;
      if (t === undefined || t === null) return "null";
      s = stringify(t);
    } catch (e) { return "null"; }
    if (typeof s !== "string") return "null";
    if (s.length > MAX_TELEMETRY) { sig.telemetry_oversize += 1; return "null"; }
    return s;
  }

  // Steps k frames; inputsByFrame maps an offset 0..k (inputs at i are dispatched after i frames
  // of this call) to a list of inputs. A frame is captured when the frame count after it is a
  // multiple of everyN (everyN <= 0: none). Returns JSON text.
  function stepAndCapture(k, everyN, w, h, q, inputsByFrame, dt) {
    k = mathMax(0, mathTrunc(Number(k) || 0));
    everyN = mathTrunc(Number(everyN) || 0);
    dt = Number(dt) > 0 ? Number(dt) : defaultDt;
    let inputs = inputsByFrame;
    if (typeof inputs === "string") inputs = parse(inputs);
    if (!inputs || typeof inputs !== "object") inputs = {};
    if (inFrame) { sig.reentrant_calls += 1; throw new Error("__ludemeHarness.stepAndCapture: re-entrant call"); }
    inFrame = true;
    const frame0 = frames;
    const out = [];
    let ran = 0, reachedEnd = false;
    try {
      for (let i = 0; i <= k; i++) {
        const list = inputs[i];
        if (list) { for (let j = 0; j < list.length; j++) applyInput(list[j]); }
        if (i === k) { reachedEnd = true; break; }
        const t0 = realNow();
        runFrame(dt);
        ran = i + 1;
        const t1 = realNow();
        let img = null, capMs = 0, page = 0;
        if (everyN > 0 && frames % everyN === 0) {
          if (cfg.capture === "canvas" || (cfg.capture !== "page" && canvasOnly())) img = capture(w, h, q);
          else if (pageUnchanged()) { page = 2; pageReused += 1; }
          else page = 1;
          capMs = realNow() - t1;
        }
        const tel = telemetryText();
        out[out.length] = '{"f":' + frames + ',"t":' + stringify(vnow / 1000) + ',"cost":' + stringify(t1 - t0) +
          ',"cap":' + stringify(capMs) + ',"img":' + (img ? '"' + img + '"' : "null") + ',"tel":' + tel +
          (page ? ',"page":' + page : "") + "}";
        // page 1: the host grabs the composited page, then goes on; page 2: it reuses its last grab
        if (page === 1) { pageCaptures += 1; pageGrabbed(); break; }
      }
    } finally { inFrame = false; }
    return '{"frame0":' + frame0 + ',"frame":' + frames + ',"ran":' + ran + ',"end":' + reachedEnd + ',"errors":' + sig.errors + ',"steps":[' + out.join(",") + "]}";
  }

  // The part of the window the game's page uses (the union of what body's children cover), so a
  // whole-page capture of a 640×480 game in a larger window is the game, not mostly margin.
  function contentRect() {
    if (!document.body) return null;
    let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
    const kids = document.body.children;
    for (let i = 0; i < kids.length && i < 500; i++) {
      const el = kids[i];
      if (SKIP.has(el.tagName)) continue;
      let st;
      try { st = computedStyle(el); } catch (e) { continue; }
      if (!shown(el, st)) continue;
      const q = apply(rectOf, el, []);
      if (q.width <= 0 || q.height <= 0) continue;
      l = mathMin(l, q.left); t = mathMin(t, q.top); r = mathMax(r, q.right); b = mathMax(b, q.bottom);
    }
    for (let n = document.body.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 && /\S/.test(n.data)) return null; // loose text: keep the whole window
    }
    if (!(r > l && b > t)) return null;
    l = mathMax(0, l); t = mathMax(0, t); r = mathMin(window.innerWidth, r); b = mathMin(window.innerHeight, b);
    return r > l && b > t ? [l, t, r - l, b - t] : null;
  }

  function info() {
    const c = mainCanvas();
    let canvas = null;
    if (c) {
      const r = apply(rectOf, c, []);
      canvas = { width: apply(canvasW.get, c, []), height: apply(canvasH.get, c, []),
        rect: [r.left, r.top, r.width, r.height], id: c.id || "" };
    }
    return stringify({ frame: frames, time: vnow / 1000, readyState: document.readyState,
      host: location.host, canvas, content: contentRect(), viewport: [window.innerWidth, window.innerHeight], dt: clockDt, seed: Number(cfg.seed) || 0, nonce: String(cfg.nonce || "") });
  }

  // Presentation: a real (not virtual) double requestAnimationFrame. The first callback runs as
  // the compositor starts a frame that holds every change made before it; the second runs as the
  // next frame starts, by when that one has been produced. The host polls presented() before it
  // grabs the whole page (see HarnessSession.grab_page).
  let presentedMark = 0;
  const consoleDebug = console.debug.bind(console);
  function markPresent(mark, depth) {
    mark = Number(mark) || 0;
    let left = mathMax(1, mathTrunc(Number(depth) || 2));
    const tick = function () {
      if (--left > 0) { realRaf(tick); return; }
      if (mark > presentedMark) presentedMark = mark;
      consoleDebug("__ludeme_presented " + String(cfg.nonce || "") + " " + mark);
    };
    realRaf(tick);
    return mark;
  }

  const api = Object.freeze({
    version: 1,
    nonce: String(cfg.nonce || ""),
    step,
    stepAndCapture,
    key,
    pointer,
    capture,
    telemetry: telemetryText,
    signals: () => {
      let props = 0;
      try {
        for (const t of [window, document, document.body, document.documentElement]) {
          if (!t) continue;
          for (const n of ["onkeydown", "onkeyup", "onkeypress", "onclick", "onmousedown", "onpointerdown", "ontouchstart", "onmousemove"]) if (t[n]) props += 1;
        }
        if (document.body) props += document.body.querySelectorAll("[onclick],[onmousedown],[onkeydown],[onpointerdown],[ontouchstart]").length;
      } catch (e) {}
      return stringify(Object.assign({}, sig, { input_handlers: sig.input_listeners + props,
        raf_pending: rafPending.size, timers_live: timers.size }));
    },
    audioEvents: () => stringify(audioEvents),
    renderAudio,
    startAudio,
    audioResult: () => audioResult === null ? "" : audioResult,
    info,
    frame: () => frames,
    now: () => vnow,
    markPresent,
    canvasOnly,
    observe,
    pageCaptures: () => pageCaptures,
    pageReused: () => pageReused,
    presented: () => presentedMark,
  });
  define(window, "__ludemeHarness", { value: api, writable: false, configurable: false, enumerable: false });
})();
