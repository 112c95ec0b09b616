// KIT CORE READY
/* Ludeme game kit core: loop, input, entities, sound, fx, telemetry, mechanic modules.
 * Plain ES2020, no imports, no network, no storage, no external assets.
 * The API is documented in resources/kit/README.md; keep the two in step. */
(function () {
  "use strict";

  const VERSION = "1.0.0";
  const STEP = 1 / 60;          // fixed simulation step (s)
  const MAX_STEPS = 5;          // per animation frame; beyond that we drop time instead of spiralling
  const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  const registry = new Map();   // id -> mechanic definition (shared by every game on the page)

  // ---------------------------------------------------------------- small helpers
  const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);
  const lerp = (a, b, t) => a + (b - a) * t;

  function mulberry32(seed) {
    let a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  // ---------------------------------------------------------------- input
  const VIRTUAL = {
    left: ["ArrowLeft", "KeyA"],
    right: ["ArrowRight", "KeyD"],
    up: ["ArrowUp", "KeyW"],
    down: ["ArrowDown", "KeyS"],
    action: ["Space", "Enter", "NumpadEnter", "KeyZ"],
    alt: ["KeyX", "ShiftLeft", "ShiftRight"],
    restart: ["KeyR"],
  };
  // Keys whose browser default (scrolling) would fight the game.
  const PREVENT = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space"]);

  function makeInput() {
    // Raw state keyed by KeyboardEvent.code or by a virtual name (injected by bots/probes).
    const held = new Set();
    let pendingDown = new Set(), pendingUp = new Set();   // edges since the last step
    let nowDown = new Set(), nowUp = new Set();           // edges visible during this step
    const ptr = { x: 0, y: 0, down: false, pressed: false, released: false };
    let ptrPendingDown = false, ptrPendingUp = false;

    const names = (k) => (VIRTUAL[k] ? [k, ...VIRTUAL[k]] : [k]);
    const any = (set, k) => names(k).some((n) => set.has(n));

    const input = {
      pointer: ptr,
      down: (k) => any(held, k),
      pressed: (k) => any(nowDown, k),
      released: (k) => any(nowUp, k),
      anyPressed: () => nowDown.size > 0 || ptr.pressed,
      inject(k, isDown) {
        if (isDown && !held.has(k)) { held.add(k); pendingDown.add(k); }
        else if (!isDown && held.has(k)) { held.delete(k); pendingUp.add(k); }
      },
      injectPointer(x, y, isDown) {
        ptr.x = x; ptr.y = y;
        if (isDown === undefined) return;
        if (isDown && !ptr.down) { ptr.down = true; ptrPendingDown = true; }
        else if (!isDown && ptr.down) { ptr.down = false; ptrPendingUp = true; }
      },
      // Called by the core around each fixed step: edges that arrived between steps are
      // latched for exactly one step, so a quick tap is never lost and never seen twice.
      _begin() {
        nowDown = pendingDown; nowUp = pendingUp;
        pendingDown = new Set(); pendingUp = new Set();
        ptr.pressed = ptrPendingDown; ptr.released = ptrPendingUp;
        ptrPendingDown = ptrPendingUp = false;
      },
      _end() { nowDown = new Set(); nowUp = new Set(); ptr.pressed = ptr.released = false; },
      _clearEdges() { pendingDown.clear(); pendingUp.clear(); ptrPendingDown = ptrPendingUp = false; },
      _releaseAll() { for (const k of [...held]) input.inject(k, false); },
    };
    return input;
  }

  // ---------------------------------------------------------------- sound
  // One AudioContext for the page, created on first use and resumed on user gestures.
  let audioCtx = null, master = null, noiseBuf = null;

  function audio() {
    if (audioCtx) return audioCtx;
    const AC = typeof window !== "undefined" && (window.AudioContext || window.webkitAudioContext);
    if (!AC) return null;
    try {
      audioCtx = new AC();
      master = audioCtx.createDynamicsCompressor();   // keeps stacked sounds from clipping
      const out = audioCtx.createGain();
      out.gain.value = 0.55;
      master.connect(out); out.connect(audioCtx.destination);
      noiseBuf = audioCtx.createBuffer(1, audioCtx.sampleRate, audioCtx.sampleRate);
      const d = noiseBuf.getChannelData(0);
      for (let i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
    } catch (e) { audioCtx = null; }
    return audioCtx;
  }

  function resumeAudio() {
    const ac = audio();
    if (ac && ac.state === "suspended") ac.resume().catch(() => {});
  }

  // A tone: oscillator with a click-free attack/decay envelope and an optional pitch sweep.
  function tone(ac, t, { type = "square", f0 = 440, f1 = null, dur = 0.1, vol = 0.2, attack = 0.005 }) {
    const o = ac.createOscillator(), gn = ac.createGain();
    o.type = type;
    o.frequency.setValueAtTime(f0, t);
    if (f1) o.frequency.exponentialRampToValueAtTime(Math.max(20, f1), t + dur);
    gn.gain.setValueAtTime(0.0001, t);
    gn.gain.linearRampToValueAtTime(vol, t + attack);
    gn.gain.exponentialRampToValueAtTime(0.0001, t + dur);
    o.connect(gn); gn.connect(master);
    o.start(t); o.stop(t + dur + 0.03);
  }

  // Filtered noise burst (hits, explosions, hats).
  function noise(ac, t, { dur = 0.2, vol = 0.3, filter = "lowpass", f0 = 3000, f1 = 200, q = 0.8 }) {
    const s = ac.createBufferSource(), flt = ac.createBiquadFilter(), gn = ac.createGain();
    s.buffer = noiseBuf;
    flt.type = filter; flt.Q.value = q;
    flt.frequency.setValueAtTime(f0, t);
    flt.frequency.exponentialRampToValueAtTime(Math.max(30, f1), t + dur);
    gn.gain.setValueAtTime(0.0001, t);
    gn.gain.linearRampToValueAtTime(vol, t + 0.004);
    gn.gain.exponentialRampToValueAtTime(0.0001, t + dur);
    s.connect(flt); flt.connect(gn); gn.connect(master);
    s.start(t); s.stop(t + dur + 0.03);
  }

  // Each sound: (ac, t, pitch multiplier). Short envelopes, distinct timbres.
  const SOUNDS = {
    jump: (ac, t, p) => tone(ac, t, { type: "square", f0: 260 * p, f1: 620 * p, dur: 0.14, vol: 0.12 }),
    coin: (ac, t, p) => {
      tone(ac, t, { type: "square", f0: 988 * p, dur: 0.07, vol: 0.1 });
      tone(ac, t + 0.06, { type: "square", f0: 1319 * p, dur: 0.22, vol: 0.1 });
    },
    hit: (ac, t, p) => {
      noise(ac, t, { dur: 0.18, vol: 0.35, f0: 2500 * p, f1: 300 });
      tone(ac, t, { type: "sawtooth", f0: 220 * p, f1: 60 * p, dur: 0.2, vol: 0.14 });
    },
    shoot: (ac, t, p) => tone(ac, t, { type: "square", f0: 1200 * p, f1: 240 * p, dur: 0.1, vol: 0.07 }),
    explode: (ac, t, p) => {
      noise(ac, t, { dur: 0.6, vol: 0.5, f0: 1800 * p, f1: 60 });
      tone(ac, t, { type: "sine", f0: 120 * p, f1: 35 * p, dur: 0.45, vol: 0.3 });
    },
    powerup: (ac, t, p) => [523, 659, 784, 1047].forEach((f, i) =>
      tone(ac, t + i * 0.07, { type: "triangle", f0: f * p, dur: 0.16, vol: 0.16 })),
    bounce: (ac, t, p) => tone(ac, t, { type: "sine", f0: 300 * p, f1: 520 * p, dur: 0.09, vol: 0.2 }),
    click: (ac, t, p) => tone(ac, t, { type: "triangle", f0: 1400 * p, dur: 0.035, vol: 0.12, attack: 0.002 }),
    gameover: (ac, t, p) => [392, 330, 262, 196].forEach((f, i) =>
      tone(ac, t + i * 0.16, { type: "triangle", f0: f * p, f1: f * p * 0.97, dur: i === 3 ? 0.6 : 0.2, vol: 0.18 })),
    start: (ac, t, p) => [523, 784, 1047].forEach((f, i) =>
      tone(ac, t + i * 0.08, { type: "square", f0: f * p, dur: 0.14, vol: 0.08 })),
    beat: (ac, t, p) => {
      tone(ac, t, { type: "sine", f0: 160 * p, f1: 45 * p, dur: 0.16, vol: 0.35, attack: 0.002 });
      noise(ac, t, { dur: 0.03, vol: 0.08, filter: "highpass", f0: 6000, f1: 5000 });
    },
    blip: (ac, t, p) => tone(ac, t, { type: "sine", f0: 660 * p, dur: 0.06, vol: 0.14 }),
  };

  function makeSfx() {
    const last = {};
    const sfx = {
      muted: false,
      names: Object.keys(SOUNDS),
      counts: {},                       // plays requested per name (also while muted)
      play(name, opts = {}) {
        sfx.counts[name] = (sfx.counts[name] || 0) + 1;
        if (sfx.muted || !SOUNDS[name]) return;
        const ac = audio();
        if (!ac) return;
        const now = ac.currentTime;
        // The same sound many times in one instant (20 bricks at once) is just noise.
        if (last[name] !== undefined && now - last[name] < 0.03) return;
        last[name] = now;
        try { SOUNDS[name](ac, now + 0.005, opts.pitch || 1); } catch (e) { /* audio is best-effort */ }
      },
    };
    return sfx;
  }

  // ---------------------------------------------------------------- effects
  function makeFx(g) {
    const parts = [], texts = [];
    let shakeMag = 0, shakeTime = 0, shakeDur = 0, flashColor = null, flashTime = 0, flashDur = 0;
    const fx = {
      shake(magnitude = 6, seconds = 0.25) {
        if (magnitude >= shakeMag * (shakeTime / (shakeDur || 1))) { shakeMag = magnitude; shakeTime = shakeDur = seconds; }
      },
      burst(x, y, color = "#ffd34d", count = 14) {
        for (let i = 0; i < count && parts.length < 800; i++) {
          const a = Math.random() * Math.PI * 2, sp = 60 + Math.random() * 220;
          const life = 0.35 + Math.random() * 0.45;
          parts.push({ x, y, vx: Math.cos(a) * sp, vy: Math.sin(a) * sp - 60, life, max: life,
            size: 2 + Math.random() * 3, color });
        }
      },
      flash(color = "#ffffff", seconds = 0.15) { flashColor = color; flashTime = flashDur = seconds; },
      text(x, y, str, color = "#ffffff") {
        if (texts.length < 60) texts.push({ x, y, str: String(str), color, life: 0.9, max: 0.9 });
      },
      get particles() { return parts.length; },
      get texts() { return texts.length; },
      get shakeLevel() { return shakeTime > 0 ? shakeMag * (shakeTime / shakeDur) : 0; },
      _update(dt) {
        for (let i = parts.length - 1; i >= 0; i--) {
          const q = parts[i];
          q.life -= dt;
          if (q.life <= 0) { parts.splice(i, 1); continue; }
          q.vy += 420 * dt; q.vx *= 0.985;
          q.x += q.vx * dt; q.y += q.vy * dt;
        }
        for (let i = texts.length - 1; i >= 0; i--) {
          const q = texts[i];
          q.life -= dt; q.y -= 45 * dt;
          if (q.life <= 0) texts.splice(i, 1);
        }
        if (shakeTime > 0) shakeTime = Math.max(0, shakeTime - dt);
        if (flashTime > 0) flashTime = Math.max(0, flashTime - dt);
      },
      _offset() {
        if (shakeTime <= 0) return [0, 0];
        const m = shakeMag * (shakeTime / shakeDur);
        return [(Math.random() * 2 - 1) * m, (Math.random() * 2 - 1) * m];
      },
      _drawWorld(ctx) {
        for (const q of parts) {
          ctx.globalAlpha = clamp(q.life / q.max, 0, 1);
          ctx.fillStyle = q.color;
          ctx.fillRect(q.x - q.size / 2, q.y - q.size / 2, q.size, q.size);
        }
        ctx.globalAlpha = 1;
        ctx.textAlign = "center"; ctx.textBaseline = "middle";
        ctx.font = `700 18px ${FONT}`;
        for (const q of texts) {
          ctx.globalAlpha = clamp(q.life / q.max * 1.6, 0, 1);
          ctx.lineWidth = 3; ctx.strokeStyle = "rgba(0,0,0,0.55)";
          ctx.strokeText(q.str, q.x, q.y);
          ctx.fillStyle = q.color; ctx.fillText(q.str, q.x, q.y);
        }
        ctx.globalAlpha = 1;
      },
      _drawFlash(ctx) {
        if (flashTime <= 0) return;
        ctx.globalAlpha = 0.6 * flashTime / flashDur;
        ctx.fillStyle = flashColor; ctx.fillRect(0, 0, g.W, g.H);
        ctx.globalAlpha = 1;
      },
      _clear() { parts.length = 0; texts.length = 0; shakeTime = flashTime = 0; },
    };
    return fx;
  }

  // ---------------------------------------------------------------- drawing helpers
  function heart(ctx, x, y, s, color) {
    ctx.save();
    ctx.translate(x, y); ctx.scale(s / 16, s / 16);
    ctx.beginPath();
    ctx.moveTo(8, 15);
    ctx.bezierCurveTo(-4, 7, 1, -2, 8, 4);
    ctx.bezierCurveTo(15, -2, 20, 7, 8, 15);
    ctx.fillStyle = color; ctx.fill();
    ctx.restore();
  }

  function roundRect(ctx, x, y, w, h, r) {
    r = Math.min(r, w / 2, h / 2);
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r); ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r); ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  // Default look of an entity: rounded rect (or circle with e.shape === "circle") with a soft highlight.
  function drawEntity(ctx, e) {
    if (e.hidden) return;
    if (e.invulnerable > 0 && Math.floor(e.invulnerable * 12) % 2 === 0) return;   // blink while invulnerable
    ctx.fillStyle = e.color || "#9fb3c8";
    if (e.shape === "circle") {
      const r = Math.min(e.w, e.h) / 2;
      ctx.beginPath(); ctx.arc(e.x + e.w / 2, e.y + e.h / 2, r, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "rgba(255,255,255,0.28)";
      ctx.beginPath(); ctx.arc(e.x + e.w / 2 - r * 0.3, e.y + e.h / 2 - r * 0.3, r * 0.35, 0, Math.PI * 2); ctx.fill();
    } else {
      roundRect(ctx, e.x, e.y, e.w, e.h, Math.min(4, e.w / 4, e.h / 4)); ctx.fill();
      ctx.fillStyle = "rgba(255,255,255,0.16)";
      ctx.fillRect(e.x + 2, e.y + 2, Math.max(0, e.w - 4), Math.min(3, e.h / 4));
    }
  }

  // ---------------------------------------------------------------- the game
  function game(config = {}) {
    const cfg = Object.assign({ title: "Untitled", width: 800, height: 600, background: "#0e1726",
      modules: {}, controls: [], lives: 3, autostart: true, seed: 0x1d3e }, config);
    const autostart = cfg.autostart !== false;
    const telemetry = cfg.telemetry !== undefined ? !!cfg.telemetry : autostart;

    const g = {
      W: cfg.width, H: cfg.height, config: cfg,
      canvas: null, ctx: null,
      phase: "title", time: 0, frame: 0,
      score: 0, best: 0, lives: cfg.lives, level: 1,
      entities: [],
      events: {},                 // emitted name -> count (cumulative for the page's lifetime)
      multipliers: {},            // name -> factor; addScore multiplies positive points by all of them
      difficulty: 1, speed: 1,    // global factors raised by difficulty_ramp / speed_ramp, read by spawners
      frozen: 0,                  // seconds of hit-stop left: no module/game updates while > 0
      input: makeInput(),
      sfx: makeSfx(),
      clamp, lerp, drawEntity, roundRect, heart,
    };
    g.fx = makeFx(g);
    const rng = mulberry32(cfg.seed);
    g.random = rng;
    g.rand = (lo, hi) => lo + (hi - lo) * rng();

    // ---- overrides: Kit.overrides = {params, add, remove} (written by tools after core) is merged
    // into the module list; config.overrides === false (probe games) ignores it.
    const ov = cfg.overrides === false ? null : (cfg.overrides || Kit.overrides || null);
    const ovParams = (ov && ov.params && typeof ov.params === "object") ? ov.params : {};
    if (ov && typeof ov === "object") {
      const removed = new Set(Array.isArray(ov.remove) ? ov.remove : []);
      const merged = {};
      for (const [id, p] of Object.entries(cfg.modules || {})) if (!removed.has(id)) merged[id] = Object.assign({}, p || {});
      for (const [id, p] of Object.entries(ov.add || {})) if (!removed.has(id)) merged[id] = Object.assign(merged[id] || {}, p || {});
      cfg.modules = merged;
    }

    // ---- modules (requires come first; unknown ids warn once and are skipped)
    const mods = [];
    const addMod = (id, params, chain = []) => {
      if (mods.some((m) => m.id === id)) {
        if (params) Object.assign(mods.find((m) => m.id === id).p, params, ovParams[id] || {});
        return;
      }
      const def = registry.get(id);
      if (!def) { console.warn(`[kit] unknown mechanic "${id}" (not loaded) - skipped`); return; }
      for (const r of def.requires || []) if (!chain.includes(r)) addMod(r, null, [...chain, id]);
      mods.push({ id, def, p: Object.assign({}, def.params || {}, params || {}, ovParams[id] || {}), s: {} });
    };
    for (const [id, params] of Object.entries(cfg.modules || {})) addMod(id, params);
    g.mechanics = mods.map((m) => m.id);
    g.has = (id) => mods.some((m) => m.id === id);
    g.params = (id) => (mods.find((m) => m.id === id) || {}).p;
    g.state = (id) => (mods.find((m) => m.id === id) || {}).s;

    // ---- events. Handlers registered while init/setup run are scoped to that run and dropped on restart.
    const handlers = {};
    let inReset = false;
    g.emit = (name, data) => {
      g.events[name] = (g.events[name] || 0) + 1;
      const list = handlers[name];
      if (list) for (const h of list.slice()) h.fn(data, name);
    };
    g.on = (name, fn) => {
      const h = { fn, scoped: inReset };
      (handlers[name] = handlers[name] || []).push(h);
      return () => { const l = handlers[name]; const i = l ? l.indexOf(h) : -1; if (i >= 0) l.splice(i, 1); };
    };

    // ---- entities
    g.add = (e) => {
      e.x = e.x || 0; e.y = e.y || 0;
      e.w = e.w === undefined ? 16 : e.w; e.h = e.h === undefined ? 16 : e.h;
      e.vx = e.vx || 0; e.vy = e.vy || 0;
      e.tags = Array.isArray(e.tags) ? e.tags : e.tags ? [e.tags] : [];
      e.dead = false;
      g.entities.push(e);
      return e;
    };
    g.remove = (e) => { if (e) e.dead = true; };
    g.all = (tag) => g.entities.filter((e) => !e.dead && (tag === undefined || e.tags.includes(tag)));
    g.first = (tag) => g.entities.find((e) => !e.dead && e.tags.includes(tag)) || null;
    g.tagged = (e, tag) => !!e && e.tags.includes(tag);
    g.overlap = (a, b) => !!a && !!b && a !== b &&
      a.x < b.x + b.w && a.x + a.w > b.x && a.y < b.y + b.h && a.y + a.h > b.y;
    g.center = (e) => ({ x: e.x + e.w / 2, y: e.y + e.h / 2 });

    // Move e by (dx, dy), axis by axis in small sub-steps, stopping at "solid" entities and landing
    // on one-way "platform"s from above. Returns which sides hit and the entity stood on (ground).
    g.move = (e, dx, dy) => {
      const res = { left: false, right: false, top: false, bottom: false, ground: null };
      const solids = g.all("solid").filter((s) => s !== e);
      const plats = dy > 0 ? g.all("platform").filter((s) => s !== e) : [];
      const n = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) / 6));
      const sx = dx / n, sy = dy / n;
      for (let i = 0; i < n; i++) {
        if (sx && !res.left && !res.right) {
          e.x += sx;
          for (const s of solids) if (g.overlap(e, s)) {
            if (sx > 0) { e.x = s.x - e.w; res.right = true; } else { e.x = s.x + s.w; res.left = true; }
          }
        }
        if (sy && !res.top && !res.bottom) {
          const prevBottom = e.y + e.h;
          e.y += sy;
          for (const s of solids) if (g.overlap(e, s)) {
            if (sy > 0) { e.y = s.y - e.h; res.bottom = true; res.ground = s; } else { e.y = s.y + s.h; res.top = true; }
          }
          for (const s of plats) {
            // One-way: only land when we were above the platform's top (it may itself have moved up).
            const top = s.y, was = top - (s.dy || 0);
            if (g.overlap(e, s) && prevBottom <= Math.max(top, was) + 0.5) {
              e.y = top - e.h; res.bottom = true; res.ground = s;
            }
          }
        }
      }
      return res;
    };

    // ---- score, lives, damage
    // source (optional) is passed on in the "score" event, e.g. "distance" for passive trickles.
    g.addScore = (n, x, y, source) => {
      let pts = n;
      if (pts > 0) for (const f of Object.values(g.multipliers)) pts *= f;
      pts = Math.round(pts);
      g.score += pts;
      if (g.score > g.best) g.best = g.score;
      g.emit("score", { n: pts, score: g.score, x, y, source });
      if (x !== undefined && y !== undefined && pts !== 0) g.fx.text(x, y, (pts > 0 ? "+" : "") + pts, "#ffe066");
      return pts;
    };
    g.loseLife = () => {
      if (g.phase !== "playing") return;
      g.lives = Math.max(0, g.lives - 1);
      g.sfx.play("hit");
      g.fx.shake(8, 0.3);
      g.fx.flash("#ff3b3b", 0.15);
      g.emit("life_lost", { lives: g.lives });
      if (g.lives <= 0) g.gameOver();
    };
    // Damage routed through one place so health / shields / i-frames compose. "hurt" listeners may set
    // ev.cancelled (a shield) or change ev.amount. Entities with numeric hp lose hp; at 0 a player
    // loses a life (hp refills to maxHp), anything else dies. Without hp a player simply loses a life.
    // "damage" is emitted for every hit that goes through (knockback, i-frames, feedback listen to it).
    g.hurt = (target, amount = 1, source = null) => {
      target = target || g.first("player");
      if (!target || target.dead || g.phase !== "playing") return false;
      if ((target.invulnerable || 0) > 0) return false;
      const ev = { target, amount, source, cancelled: false };
      g.emit("hurt", ev);
      if (ev.cancelled) return false;
      const isPlayer = target.tags.includes("player");
      g.emit("damage", ev);
      if (typeof target.hp === "number") {
        target.hp -= ev.amount;
        if (target.hp > 0) { if (isPlayer) { g.sfx.play("hit", { pitch: 1.3 }); g.fx.shake(4, 0.15); } return true; }
        target.hp = target.maxHp || 0;
      }
      if (isPlayer) g.loseLife();
      else { target.dead = true; g.emit("killed", ev); }
      return true;
    };

    g.gameOver = () => {
      if (g.phase !== "playing") return;
      g.phase = "over"; overAt = 0;
      if (g.score > g.best) g.best = g.score;
      g.sfx.play("gameover");
      g.emit("gameover", { score: g.score, best: g.best });
    };

    // ---- lifecycle
    let overAt = 0, titleT = 0, errors = 0;

    // Build the world: a fresh run (score, lives, module state all reset) or the next level of the
    // same run (score, lives, time and module state s kept; init and module setups run again).
    function reset(fresh = true) {
      for (const k of Object.keys(handlers)) handlers[k] = handlers[k].filter((h) => !h.scoped);
      g.entities = []; g.frozen = 0;
      if (fresh) {
        g.multipliers = {}; g.difficulty = 1; g.speed = 1;
        g.score = 0; g.lives = cfg.lives; g.time = 0; g.level = 1;
      }
      g.fx._clear();
      inReset = true;
      try {
        if (cfg.init) cfg.init(g);
        for (const m of mods) { if (fresh) m.s = {}; if (m.def.setup) m.def.setup(g, m.p, m.s); }
      } finally { inReset = false; }
    }

    // Advance to the next level at the end of the current step: g.level + 1, then init runs again
    // (it can read g.level to build a different layout) while score and lives carry over.
    let levelPending = false;
    g.nextLevel = () => { if (g.phase === "playing") levelPending = true; };
    function loadNextLevel() {
      levelPending = false;
      g.level += 1;
      reset(false);
      g.input._clearEdges();
      g.emit("level", { level: g.level });
    }

    g.start = () => {
      reset();
      g.phase = "playing";
      g.input._clearEdges();
      g.sfx.play("start");
      g.emit("start");
      publish();
    };
    g.restart = () => {
      reset();
      g.phase = "playing";
      g.input._clearEdges();
      g.sfx.play("start", { pitch: 1.12 });
      g.emit("restart");
      publish();
    };

    g.step = (dt = STEP) => {
      const inp = g.input;
      inp._begin();
      g.frame++;
      if (g.phase === "playing") {
        if (inp.pressed("restart")) { inp._end(); g.restart(); return; }
        if (g.frozen > 0) g.frozen = Math.max(0, g.frozen - dt);
        else {
          g.time += dt;
          for (const m of mods) if (m.def.update) m.def.update(g, dt, m.p, m.s);
          if (cfg.update && g.phase === "playing") cfg.update(g, dt);
          for (const e of g.entities) if (e.invulnerable > 0) e.invulnerable = Math.max(0, e.invulnerable - dt);
          g.entities = g.entities.filter((e) => !e.dead);
          if (levelPending && g.phase === "playing") loadNextLevel();
        }
      } else if (g.phase === "title") {
        titleT += dt;
        if (inp.anyPressed()) { inp._end(); g.start(); return; }
      } else if (g.phase === "over") {
        overAt += dt;
        // A short grace period so the key that killed you does not instantly restart.
        if (overAt > 0.45 && (inp.pressed("restart") || inp.pressed("action") || inp.pointer.pressed)) {
          inp._end(); g.restart(); return;
        }
      }
      g.fx._update(dt);
      inp._end();
      publish();
    };

    // ---- rendering
    let scale = 1, dpr = 1;
    g.render = () => {
      const ctx = g.ctx;
      if (!ctx) return;
      const k = scale * dpr;
      ctx.setTransform(k, 0, 0, k, 0, 0);
      ctx.fillStyle = cfg.background;
      ctx.fillRect(0, 0, g.W, g.H);
      ctx.save();
      const [ox, oy] = g.fx._offset();
      ctx.translate(ox, oy);
      if (cfg.draw) cfg.draw(g, ctx);
      else for (const e of g.entities) if (!e.kit) drawEntity(ctx, e);   // module-spawned (e.kit) draw themselves
      for (const m of mods) if (m.def.draw) { ctx.save(); m.def.draw(g, ctx, m.p, m.s); ctx.restore(); }
      g.fx._drawWorld(ctx);
      ctx.restore();
      g.fx._drawFlash(ctx);
      if (g.phase !== "title") drawHud(ctx);
      if (cfg.drawHud) { ctx.save(); cfg.drawHud(g, ctx); ctx.restore(); }
      if (g.phase === "title") drawTitle(ctx);
      else if (g.phase === "over") drawOver(ctx);
    };

    function label(ctx, str, x, y, size, color, align = "left", weight = 700) {
      ctx.font = `${weight} ${size}px ${FONT}`;
      ctx.textAlign = align; ctx.textBaseline = "middle";
      ctx.lineWidth = Math.max(2, size / 6); ctx.strokeStyle = "rgba(0,0,0,0.5)"; ctx.lineJoin = "round";
      ctx.strokeText(str, x, y);
      ctx.fillStyle = color; ctx.fillText(str, x, y);
    }

    function drawHud(ctx) {
      const hud = cfg.hud === false ? {} : Object.assign({ score: true, best: true, lives: true }, cfg.hud || {});
      if (hud.score) label(ctx, `SCORE ${g.score}`, 16, 22, 20, "#ffffff");
      if (hud.best) label(ctx, `BEST ${g.best}`, 16, 46, 13, "rgba(255,255,255,0.7)", "left", 600);
      if (hud.lives && g.lives > 0) {
        const n = Math.min(g.lives, 10);
        for (let i = 0; i < n; i++) heart(ctx, g.W - 34 - i * 26, 12, 22, "#ff4d6d");
      }
    }

    function dim(ctx, a) { ctx.fillStyle = `rgba(6,10,20,${a})`; ctx.fillRect(0, 0, g.W, g.H); }

    function drawTitle(ctx) {
      const t = titleT;
      dim(ctx, 0.62);
      const cx = g.W / 2, bob = Math.sin(t * 2.2) * 6;
      // A few drifting sparkles behind the title.
      for (let i = 0; i < 24; i++) {
        const px = (i * 97 + t * (12 + (i % 5) * 6)) % g.W, py = (i * 53 + Math.sin(t + i) * 20 + g.H) % g.H;
        ctx.globalAlpha = 0.25 + 0.25 * Math.sin(t * 3 + i);
        ctx.fillStyle = "#ffe9a8"; ctx.fillRect(px, py, 2, 2);
      }
      ctx.globalAlpha = 1;
      const ctl = cfg.controls || [];
      const cardH = 150 + Math.min(ctl.length, 8) * 26;
      ctx.fillStyle = "rgba(255,255,255,0.05)"; ctx.strokeStyle = "rgba(255,255,255,0.12)"; ctx.lineWidth = 1;
      roundRect(ctx, g.W * 0.14, g.H * 0.3 - 60, g.W * 0.72, cardH, 18); ctx.fill(); ctx.stroke();
      const size = Math.min(64, Math.floor((g.W * 0.85) / Math.max(6, cfg.title.length) * 1.7));
      label(ctx, cfg.title, cx, g.H * 0.3 + bob, size, "#ffe066", "center", 800);
      ctl.slice(0, 8).forEach((c, i) => label(ctx, c, cx, g.H * 0.3 + 70 + i * 26, 17, "rgba(230,240,255,0.9)", "center", 500));
      ctx.globalAlpha = 0.65 + 0.35 * Math.sin(t * 4);
      label(ctx, "Press any key or click to start", cx, g.H * 0.82, 22, "#ffffff", "center", 700);
      ctx.globalAlpha = 1;
    }

    function drawOver(ctx) {
      dim(ctx, 0.55);
      const cx = g.W / 2;
      const a = clamp(overAt / 0.3, 0, 1);
      ctx.globalAlpha = a;
      label(ctx, "GAME OVER", cx, g.H * 0.34 - (1 - a) * 20, 56, "#ff5d73", "center", 800);
      label(ctx, `Score ${g.score}`, cx, g.H * 0.48, 28, "#ffffff", "center");
      label(ctx, g.score >= g.best && g.score > 0 ? "New best!" : `Best ${g.best}`, cx, g.H * 0.55, 20, "#ffe066", "center", 600);
      if (overAt > 0.45) {
        ctx.globalAlpha = 0.7 + 0.3 * Math.sin(overAt * 4);
        label(ctx, "Press R / Space / click to play again", cx, g.H * 0.72, 20, "#ffffff", "center", 600);
      }
      ctx.globalAlpha = 1;
    }

    // ---- telemetry
    function publish() {
      if (!telemetry || typeof window === "undefined") return;
      const ents = [];
      for (const e of g.entities) {
        if (e.dead) continue;
        ents.push({ tag: e.tags[0] || "", x: Math.round(e.x * 10) / 10, y: Math.round(e.y * 10) / 10 });
        if (ents.length >= 32) break;
      }
      window.ludeme = Object.freeze({
        kit: VERSION, title: cfg.title, phase: g.phase, score: g.score, best: g.best, lives: g.lives,
        time: Math.round(g.time * 1000) / 1000, frame: g.frame,
        mechanics: g.mechanics.slice(), events: Object.assign({}, g.events), entities: ents,
      });
    }

    // ---- canvas: the page's #game (or a new one); probes get a detached canvas and no listeners
    if (typeof document !== "undefined") {
      let canvas = autostart ? document.getElementById("game") : null;
      if (!canvas) {
        canvas = document.createElement("canvas");
        if (autostart) { canvas.id = "game"; canvas.tabIndex = 0; document.body.appendChild(canvas); }
      }
      g.canvas = canvas; g.ctx = canvas.getContext("2d");
      canvas.width = g.W; canvas.height = g.H;
    }

    function fit() {
      const c = g.canvas;
      dpr = window.devicePixelRatio || 1;
      const aw = window.innerWidth || g.W, ah = window.innerHeight || g.H;
      scale = Math.max(0.1, Math.min(aw / g.W, ah / g.H));
      const cw = Math.floor(g.W * scale), ch = Math.floor(g.H * scale);
      c.style.width = cw + "px"; c.style.height = ch + "px";
      c.width = Math.round(cw * dpr); c.height = Math.round(ch * dpr);
      scale = cw / g.W;
      g.render();
    }

    function listen() {
      const c = g.canvas, inp = g.input;
      const body = document.body;
      if (body && !body.style.background) body.style.background = cfg.background;
      const gesture = () => resumeAudio();
      window.addEventListener("keydown", (ev) => {
        gesture();
        if (PREVENT.has(ev.code)) ev.preventDefault();
        if (ev.code === "KeyM" && !ev.repeat) { g.sfx.muted = !g.sfx.muted; return; }
        if (!ev.repeat) inp.inject(ev.code || ev.key, true);
      });
      window.addEventListener("keyup", (ev) => { if (PREVENT.has(ev.code)) ev.preventDefault(); inp.inject(ev.code || ev.key, false); });
      window.addEventListener("blur", () => inp._releaseAll());
      const toLogical = (cx, cy) => {
        const r = c.getBoundingClientRect();
        return [(cx - r.left) / (r.width || 1) * g.W, (cy - r.top) / (r.height || 1) * g.H];
      };
      c.addEventListener("mousedown", (ev) => { gesture(); c.focus(); const [x, y] = toLogical(ev.clientX, ev.clientY); inp.injectPointer(x, y, true); ev.preventDefault(); });
      window.addEventListener("mousemove", (ev) => { const [x, y] = toLogical(ev.clientX, ev.clientY); inp.injectPointer(x, y); });
      window.addEventListener("mouseup", (ev) => { const [x, y] = toLogical(ev.clientX, ev.clientY); inp.injectPointer(x, y, false); });
      const touch = (isDown) => (ev) => {
        if (isDown) gesture();
        const t = ev.changedTouches[0];
        if (t) { const [x, y] = toLogical(t.clientX, t.clientY); inp.injectPointer(x, y, isDown === null ? undefined : isDown); }
        ev.preventDefault();
      };
      c.addEventListener("touchstart", touch(true), { passive: false });
      c.addEventListener("touchmove", touch(null), { passive: false });
      c.addEventListener("touchend", touch(false), { passive: false });
      c.addEventListener("touchcancel", touch(false), { passive: false });
      c.addEventListener("contextmenu", (ev) => ev.preventDefault());
      window.addEventListener("resize", fit);
    }

    function loop() {
      let last = null, acc = 0;
      const frame = (now) => {
        requestAnimationFrame(frame);   // re-armed first, so one bad frame never stops the game
        try {
          if (last === null) last = now;
          acc += Math.min(0.25, Math.max(0, (now - last) / 1000));
          last = now;
          let n = 0;
          while (acc >= STEP && n < MAX_STEPS) { g.step(STEP); acc -= STEP; n++; }
          if (n === MAX_STEPS) acc = 0;
          g.render();
        } catch (err) {
          if (errors++ < 3) console.error("[kit] frame error:", err && err.stack ? err.stack : err);
        }
      };
      requestAnimationFrame(frame);
    }

    // Title backdrop: build the level once so the title screen shows the world behind it.
    reset();
    publish();
    if (autostart && g.canvas) {
      listen();
      fit();
      try { g.canvas.focus(); } catch (e) { /* not focusable yet */ }
      loop();
    }
    return g;
  }

  // ---------------------------------------------------------------- mechanics + probes
  function mechanic(def) {
    if (!def || !def.id) throw new Error("Kit.mechanic needs an id");
    registry.set(def.id, Object.assign({ requires: [], params: {}, changes: [], category: "rules" }, def));
    return def;
  }

  function runProbe(id, params) {
    const def = registry.get(id);
    const res = { id, ok: false, reason: "", frames: 0 };
    if (!def) { res.reason = "unknown module"; return res; }
    if (!def.probe) { res.reason = "module has no probe"; return res; }
    try {
      const pr = def.probe;
      const g = game({ title: "probe:" + id, width: 800, height: 600, autostart: false, seed: 12345, overrides: false,
        modules: { [id]: params || {} }, init: pr.setup ? (gg) => pr.setup(gg) : undefined,
        update: pr.update ? (gg, dt) => pr.update(gg, dt) : undefined });
      g.sfx.muted = true;
      g.start();
      const samples = [];
      const sample = () => {
        const pl = g.first("player"), count = {};
        for (const e of g.entities) if (!e.dead) for (const t of e.tags) count[t] = (count[t] || 0) + 1;
        samples[g.frame] = { player_x: pl ? pl.x : null, player_y: pl ? pl.y : null, score: g.score, lives: g.lives, count };
      };
      const start = g.frame;
      sample();
      const step = (n = 1) => {
        for (let i = 0; i < n && g.frame - start < 20000; i++) { g.step(STEP); sample(); }
      };
      for (const s of pr.script || []) {
        if (s.wait !== undefined) step(s.wait);
        else if (s.press !== undefined) { g.input.inject(s.press, true); step(1); g.input.inject(s.press, false); }
        else if (s.hold !== undefined) {
          g.input.inject(s.hold, true);
          if (s.frames !== undefined) { step(s.frames); g.input.inject(s.hold, false); }
        } else if (s.release !== undefined) g.input.inject(s.release, false);
        else if (s.pointer !== undefined) g.input.injectPointer(s.pointer[0], s.pointer[1], s.down);
      }
      const rec = {
        events: g.events, sfx: g.sfx.counts, samples,
        at(f) {
          f = clamp(Math.round(f), start, g.frame);
          while (f > start && !samples[f]) f--;
          return samples[f];
        },
      };
      res.frames = g.frame - start;
      const out = pr.check(g, rec);
      if (out && typeof out === "object") { res.ok = !!out.ok; res.reason = out.reason || (res.ok ? "" : "check failed"); }
      else { res.ok = !!out; res.reason = res.ok ? "" : (typeof out === "string" ? out : "check failed"); }
    } catch (err) {
      res.ok = false; res.reason = "error: " + (err && err.message ? err.message : String(err));
    }
    return res;
  }

  function runAllProbes() {
    return [...registry.keys()].map((id) => runProbe(id));
  }

  const Kit = {
    VERSION, STEP, game, mechanic, runProbe, runAllProbes,
    overrides: null,             // optional {params, add, remove}, set by a "ludeme:kit:overrides" piece after core
    get modules() { return [...registry.values()]; },
    module: (id) => registry.get(id) || null,
    sounds: Object.keys(SOUNDS),
    keys: VIRTUAL,
  };
  if (typeof window !== "undefined") window.Kit = Kit;
  else if (typeof globalThis !== "undefined") globalThis.Kit = Kit;
})();
