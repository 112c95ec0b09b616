// Orbit Toy — a slingshot sandbox in deep space. Drag back from anywhere and let go to fling a
// comet; planets pull it into curves (and bounce it off their crust), black holes swallow it, and
// bounce pads kick it onwards. Hit every star-ring with the comets you have; one comet through
// several rings is a trick shot.
(function () {
  "use strict";
  const W = 800, H = 600, TOP = 56;
  const LX = 74, LY = H - 96;           // launcher
  const BODY_R = 6, MIN_SPEED = 200, MAX_SPEED = 760;

  let g = null, S = null;
  const rnd = (a, b) => a + Math.random() * (b - a);
  const clamp = (v, a, b) => (v < a ? a : v > b ? b : v);
  const clock = () => performance.now() / 1000;
  const TAU = Math.PI * 2;

  // ------------------------------------------------------------------ backdrop (pre-rendered)
  let backdrop = null;
  function makeBackdrop() {
    const cv = document.createElement("canvas");
    cv.width = W; cv.height = H;
    const x = cv.getContext("2d");
    const bg = x.createLinearGradient(0, 0, W, H);
    bg.addColorStop(0, "#060a1c"); bg.addColorStop(0.6, "#0b0f2a"); bg.addColorStop(1, "#140a24");
    x.fillStyle = bg; x.fillRect(0, 0, W, H);
    const blobs = [[560, 200, 260, "90,60,200"], [200, 420, 220, "30,120,200"], [700, 520, 200, "200,60,140"], [320, 120, 160, "40,160,170"]];
    for (const [bx, by, br, c] of blobs) {
      const gr = x.createRadialGradient(bx, by, 0, bx, by, br);
      gr.addColorStop(0, `rgba(${c},0.22)`); gr.addColorStop(1, `rgba(${c},0)`);
      x.fillStyle = gr; x.fillRect(0, 0, W, H);
    }
    for (let i = 0; i < 260; i++) {
      const s = Math.random();
      x.fillStyle = `rgba(${200 + Math.random() * 55 | 0},${200 + Math.random() * 55 | 0},255,${0.2 + s * 0.6})`;
      x.fillRect(Math.random() * W, Math.random() * H, s > 0.93 ? 2 : 1, s > 0.93 ? 2 : 1);
    }
    return cv;
  }
  const twinkles = [];
  for (let i = 0; i < 40; i++) twinkles.push({ x: Math.random() * W, y: Math.random() * H, p: Math.random() * TAU, s: 0.5 + Math.random() * 2 });

  // ------------------------------------------------------------------ level layout
  function farFrom(x, y, r, things) { return things.every((t) => Math.hypot(t.cx - x, t.cy - y) > r + t.rr); }
  function buildLevel() {
    for (const tag of ["well", "pad", "target", "body"]) for (const e of g.all(tag)) g.remove(e);
    const L = S.level;
    const placed = [{ cx: LX, cy: LY, rr: 90 }];
    const nPlanets = Math.min(1 + Math.floor((L + 1) / 2), 4);
    const nHoles = L >= 2 ? Math.min(Math.floor(L / 2), 2) : 0;
    const hues = [200, 25, 140, 280, 330, 50];
    const add = (maker, tries = 80) => { for (let i = 0; i < tries; i++) { const e = maker(); if (e) return e; } return null; };
    for (let i = 0; i < nPlanets; i++) add(() => {
      const r = rnd(20, 34 + L * 1.5), cx = rnd(230, W - 90), cy = rnd(TOP + 70, H - 80);
      if (!farFrom(cx, cy, r + 70, placed)) return null;
      placed.push({ cx, cy, rr: r });
      return g.add({ x: cx - r, y: cy - r, w: r * 2, h: r * 2, tags: ["well"], kind: "planet", cx, cy, r, mass: (r * r / 900) * (0.9 + L * 0.04), hue: hues[(S.level + i) % hues.length], ring: Math.random() < 0.5, spin: rnd(0, TAU) });
    });
    for (let i = 0; i < nHoles; i++) add(() => {
      const r = 12, cx = rnd(260, W - 80), cy = rnd(TOP + 60, H - 70);
      if (!farFrom(cx, cy, 90, placed)) return null;
      placed.push({ cx, cy, rr: 30 });
      return g.add({ x: cx - r, y: cy - r, w: r * 2, h: r * 2, tags: ["well"], kind: "hole", cx, cy, r, mass: 1.4 + L * 0.08, spin: 0 });
    });
    const nPads = Math.min(1 + Math.floor(L / 2), 3);
    for (let i = 0; i < nPads; i++) add(() => {
      const cx = rnd(200, W - 60), cy = rnd(TOP + 40, H - 40), a = rnd(0, Math.PI);
      if (!farFrom(cx, cy, 60, placed)) return null;
      placed.push({ cx, cy, rr: 20 });
      return g.add({ x: cx - 40, y: cy - 40, w: 80, h: 80, tags: ["pad"], cx, cy, a, len: 84, glow: 0 });
    });
    const nTargets = Math.min(3 + Math.floor(L * 0.7), 9);
    for (let i = 0; i < nTargets; i++) add(() => {
      const cx = rnd(240, W - 40), cy = rnd(TOP + 30, H - 40);
      if (!farFrom(cx, cy, 34, placed)) return null;
      placed.push({ cx, cy, rr: 14 });
      const t = g.add({ x: cx - 14, y: cy - 14, w: 28, h: 28, tags: ["target"], cx, cy, r: 14, phase: rnd(0, TAU), orbit: null });
      // from level 3 some rings orbit a planet
      if (L >= 3 && Math.random() < 0.35) {
        const pl = g.all("well").filter((w) => w.kind === "planet");
        if (pl.length) {
          const p = pl[(Math.random() * pl.length) | 0];
          t.orbit = { p, rad: p.r + 34 + Math.random() * 26, ang: rnd(0, TAU), w: (Math.random() < 0.5 ? -1 : 1) * rnd(0.5, 0.9) };
        }
      }
      return t;
    }, 200);
    S.targetsTotal = g.all("target").length;
    S.shots = S.targetsTotal + Math.max(1, 3 - Math.floor(L / 3));
    S.shotsMax = S.shots;
    S.chainBest = 0;
    S.banner = { text: "SYSTEM " + L, sub: L === 1 ? "drag back and let go — or aim with arrows, fire with Space" : `${S.targetsTotal} rings • ${S.shots} comets`, t: 2.6 };
  }

  // ------------------------------------------------------------------ physics
  // The pull itself is the kit's gravity_wells module (inverse square with a soft core, scaled by
  // each well's mass); the preview below uses the same law so the dotted path tells the truth.
  function accel(x, y) {
    const p = g.params("gravity_wells") || { strength: 12000000, core: 60 };
    let ax = 0, ay = 0;
    for (const w of g.all("well")) {
      const dx = w.x + w.w / 2 - x, dy = w.y + w.h / 2 - y;
      const d2 = Math.max(dx * dx + dy * dy, p.core * p.core), d = Math.sqrt(d2);
      const a = (p.strength * (w.mass || 1)) / d2;
      ax += (dx / d) * a; ay += (dy / d) * a;
    }
    return [ax, ay];
  }
  // one movement sub-step (no gravity) for a body-like {x,y,vx,vy}; returns an event string or null
  function stepBody(b, h, live) {
    b.x += b.vx * h; b.y += b.vy * h;
    for (const w of g.all("well")) {
      const dx = b.x - w.cx, dy = b.y - w.cy, d = Math.hypot(dx, dy);
      if (w.kind === "hole") { if (d < w.r + 2) return "swallow:" + (live ? g.entities.indexOf(w) : 0); continue; }
      if (d < w.r + BODY_R) {
        const nx = dx / d, ny = dy / d;
        const vn = b.vx * nx + b.vy * ny;
        if (vn < 0) { b.vx -= 1.75 * vn * nx; b.vy -= 1.75 * vn * ny; }
        b.x = w.cx + nx * (w.r + BODY_R + 0.5); b.y = w.cy + ny * (w.r + BODY_R + 0.5);
        if (live) { b.lastWell = w; return vn < -60 ? "bump" : null; }
      }
    }
    for (const p of g.all("pad")) {
      const ux = Math.cos(p.a), uy = Math.sin(p.a);
      const rx = b.x - p.cx, ry = b.y - p.cy;
      const along = clamp(rx * ux + ry * uy, -p.len / 2, p.len / 2);
      const qx = p.cx + ux * along, qy = p.cy + uy * along;
      const dx = b.x - qx, dy = b.y - qy, d = Math.hypot(dx, dy) || 0.001;
      if (d < BODY_R + 4) {
        const nx = dx / d, ny = dy / d;
        const vn = b.vx * nx + b.vy * ny;
        if (vn < 0) {
          b.vx -= 2 * vn * nx; b.vy -= 2 * vn * ny;
          const sp = Math.hypot(b.vx, b.vy), ns = Math.min(MAX_SPEED * 1.1, sp * 1.18 + 40);
          b.vx *= ns / sp; b.vy *= ns / sp;
          b.x = qx + nx * (BODY_R + 4.5); b.y = qy + ny * (BODY_R + 4.5);
          if (live) { p.glow = 1; return "pad"; }
        }
      }
    }
    return null;
  }

  function aimVelocity() {
    const sp = MIN_SPEED + (MAX_SPEED - MIN_SPEED) * S.power;
    return [Math.cos(S.aim) * sp, Math.sin(S.aim) * sp];
  }
  function muzzle() { return [LX + Math.cos(S.aim) * 34, LY + Math.sin(S.aim) * 34]; }

  function fire() {
    if (S.shots <= 0) return;
    const [vx, vy] = aimVelocity();
    const [mx, my] = muzzle();
    S.shots--;
    S.recoil = 1;
    const b = g.add({ x: mx - BODY_R, y: my - BODY_R, w: BODY_R * 2, h: BODY_R * 2, tags: ["body"], px: mx, py: my, vx, vy, life: 8, trail: [], chain: 0, hue: S.nextHue });
    S.nextHue = (S.nextHue + 47) % 360;
    g.sfx.play("shoot", { pitch: 0.55 + S.power * 0.5 });
    g.sfx.play("jump", { pitch: 0.5 + S.power * 0.4 });
    g.fx.burst(mx, my, "#bfe8ff", 10);
    g.fx.shake(2 + S.power * 3, 0.1);
    g.emit("launch", { power: S.power, shots: S.shots });
  }

  // ------------------------------------------------------------------ run
  function newRun() {
    S = {
      level: 1, aim: -0.75, power: 0.55, shots: 0, shotsMax: 0, recoil: 0, banner: null, nextHue: 190,
      drag: null, aimClick: 0, failT: 0, clearT: 0, pops: [], previewDots: [],
    };
    buildLevel();
  }
  function previewTime() { return Math.max(0.3, 1.1 - (S.level - 1) * 0.12); }

  function update(gg, dt) {
    if (S.banner) { S.banner.t -= dt; if (S.banner.t <= 0) S.banner = null; }
    S.recoil = Math.max(0, S.recoil - dt * 4);

    // --- aiming: keyboard ---
    const prevAim = S.aim, prevPow = S.power;
    if (g.input.down("left")) S.aim -= 1.6 * dt;
    if (g.input.down("right")) S.aim += 1.6 * dt;
    if (g.input.down("up")) S.power += 0.7 * dt;
    if (g.input.down("down")) S.power -= 0.7 * dt;
    // --- aiming: slingshot drag (press anywhere, pull back, release) ---
    const ptr = g.input.pointer;
    if (ptr && ptr.pressed) S.drag = { x: ptr.x, y: ptr.y };
    if (S.drag && ptr) {
      const dx = S.drag.x - ptr.x, dy = S.drag.y - ptr.y, d = Math.hypot(dx, dy);
      if (d > 8) { S.aim = Math.atan2(dy, dx); S.power = clamp((d - 8) / 170, 0, 1); }
      if (ptr.released || !ptr.down) {
        if (d > 14 && S.shots > 0) fire();
        S.drag = null;
      }
    }
    S.aim = clamp(S.aim, -Math.PI * 0.97, Math.PI * 0.47);
    S.power = clamp(S.power, 0, 1);
    S.aimClick += Math.abs(S.aim - prevAim) * 4.5 + Math.abs(S.power - prevPow) * 5;
    if (S.aimClick > 1) { S.aimClick = 0; g.sfx.play("click", { pitch: 0.8 + S.power * 0.8 }); g.emit("aim", {}); }
    if (g.input.pressed("action") && !S.drag) {
      if (S.shots > 0) fire(); else g.sfx.play("blip", { pitch: 0.5 });
    }

    // --- moving targets ---
    for (const t of g.all("target")) {
      t.phase += dt * 2;
      if (t.orbit) {
        const o = t.orbit; o.ang += o.w * dt;
        t.cx = o.p.cx + Math.cos(o.ang) * o.rad; t.cy = o.p.cy + Math.sin(o.ang) * o.rad;
        t.x = t.cx - 14; t.y = t.cy - 14;
      }
    }
    for (const w of g.all("well")) w.spin += dt * (w.kind === "hole" ? 3 : 0.2);
    for (const p of g.all("pad")) p.glow = Math.max(0, p.glow - dt * 3);

    // --- bodies ---
    const SUB = 6;
    for (const b of g.all("body")) {
      const h = dt / SUB;
      const body = { x: b.px, y: b.py, vx: b.vx, vy: b.vy };
      let gone = null;
      for (let i = 0; i < SUB && !gone; i++) {
        const ev = stepBody(body, h, true);
        if (ev === "bump") { g.sfx.play("bounce", { pitch: 0.7 }); g.fx.burst(body.x, body.y, "#ffd9a0", 6); g.emit("planet_bounce", {}); }
        else if (ev === "pad") { g.sfx.play("bounce", { pitch: 1.6 }); g.emit("pad_bounce", { x: body.x, y: body.y }); }
        else if (ev && ev.startsWith("swallow")) gone = "swallow";
        // targets along the path
        for (const t of g.all("target")) {
          if (Math.hypot(t.cx - body.x, t.cy - body.y) < t.r + BODY_R) {
            g.remove(t);
            b.chain++;
            const pts = 100 * b.chain;
            g.addScore(pts, t.cx, t.cy - 18);
            g.sfx.play("coin", { pitch: 1 + (b.chain - 1) * 0.18 });
            g.fx.burst(t.cx, t.cy, `hsl(${b.hue},100%,75%)`, 12);
            S.pops.push({ x: t.cx, y: t.cy, t: 0, hue: b.hue });
            g.emit("target_hit", { chain: b.chain, x: t.cx, y: t.cy });   // kit particles / shake / hit-pause
            if (b.chain >= 2) { g.fx.text(t.cx, t.cy - 40, b.chain === 2 ? "TRICK SHOT!" : `${b.chain}× CHAIN!`, "#ffe066"); g.emit("trick_shot", { chain: b.chain }); }
          }
        }
      }
      b.px = body.x; b.py = body.y; b.vx = body.vx; b.vy = body.vy;
      b.x = b.px - BODY_R; b.y = b.py - BODY_R;
      b.life -= dt;
      b.trail.push(b.px, b.py);
      if (b.trail.length > 90) b.trail.splice(0, 2);
      const out = b.px < -60 || b.px > W + 60 || b.py < -80 || b.py > H + 60;
      if (gone === "swallow") {
        g.sfx.play("explode", { pitch: 0.45 });
        g.emit("swallowed", { x: b.px, y: b.py });
        g.remove(b);
      } else if (out || b.life <= 0) {
        if (b.life <= 0) g.fx.burst(b.px, b.py, "#9fb3ff", 10);
        g.sfx.play("blip", { pitch: 0.45 });
        g.emit("comet_lost", {});
        g.remove(b);
      }
    }
    for (const q of S.pops) q.t += dt;
    S.pops = S.pops.filter((q) => q.t < 0.7);

    // --- level flow ---
    const targetsLeft = g.all("target").length;
    const flying = g.all("body").length;
    if (targetsLeft === 0) {
      S.clearT += dt;
      if (S.clearT > 0.6 || flying === 0) {
        const bonus = 200 * S.level + 75 * S.shots;
        g.addScore(bonus, W / 2, H / 2 + 40);
        g.sfx.play("powerup");
        g.fx.flash("#cfe6ff", 0.25);
        g.emit("level_clear", { level: S.level, shots_left: S.shots, x: W / 2, y: H / 2 });
        S.level++; S.clearT = 0;
        buildLevel();
      }
    } else S.clearT = 0;
    if (targetsLeft > 0 && S.shots === 0 && flying === 0) {
      S.failT += dt;
      if (S.failT > 0.5) {
        S.failT = 0;
        g.emit("out_of_comets", {});
        g.loseLife();
        if (g.phase === "playing") { buildLevel(); S.banner = { text: "OUT OF COMETS", sub: "the system rearranges itself — try again", t: 2.4 }; }
      }
    } else S.failT = 0;

    // --- trajectory preview (short; shorter each level) ---
    S.previewDots.length = 0;
    if (S.shots > 0) {
      const [vx, vy] = aimVelocity();
      const [mx, my] = muzzle();
      const ghost = { x: mx, y: my, vx, vy };
      const T = previewTime(), n = Math.round(T * 60);
      outer: for (let i = 0; i < n; i++) {
        const [ax, ay] = accel(ghost.x, ghost.y);          // what gravity_wells does each step
        ghost.vx += ax / 60; ghost.vy += ay / 60;
        for (let k = 0; k < 6; k++) {
          const ev = stepBody(ghost, 1 / 360, false);
          if (ev && ev.startsWith("swallow")) break outer;
        }
        if (i % 3 === 0) S.previewDots.push(ghost.x, ghost.y, 1 - i / n);
      }
    }
  }

  // ------------------------------------------------------------------ drawing
  function drawWell(ctx, w, t) {
    const { cx, cy, r } = w;
    if (w.kind === "hole") {
      ctx.save(); ctx.translate(cx, cy); ctx.rotate(w.spin);
      for (let i = 0; i < 3; i++) {
        ctx.strokeStyle = `hsla(${270 + i * 25},100%,${65 + i * 8}%,${0.7 - i * 0.15})`;
        ctx.lineWidth = 4 - i;
        ctx.beginPath(); ctx.ellipse(0, 0, r + 10 + i * 6, (r + 10 + i * 6) * 0.42, 0, i, i + 4.2); ctx.stroke();
      }
      ctx.restore();
      const gr = ctx.createRadialGradient(cx, cy, 0, cx, cy, r + 8);
      gr.addColorStop(0, "#000"); gr.addColorStop(0.7, "#05000c"); gr.addColorStop(1, "rgba(160,90,255,0)");
      ctx.fillStyle = gr; ctx.beginPath(); ctx.arc(cx, cy, r + 8, 0, TAU); ctx.fill();
      return;
    }
    // atmosphere
    const at = ctx.createRadialGradient(cx, cy, r * 0.8, cx, cy, r * 1.7);
    at.addColorStop(0, `hsla(${w.hue},90%,65%,0.35)`); at.addColorStop(1, `hsla(${w.hue},90%,65%,0)`);
    ctx.fillStyle = at; ctx.beginPath(); ctx.arc(cx, cy, r * 1.7, 0, TAU); ctx.fill();
    if (w.ring) drawRing(ctx, w, true);
    const body = ctx.createRadialGradient(cx - r * 0.4, cy - r * 0.45, r * 0.1, cx, cy, r);
    body.addColorStop(0, `hsl(${w.hue},85%,78%)`); body.addColorStop(0.55, `hsl(${w.hue},60%,48%)`); body.addColorStop(1, `hsl(${w.hue},55%,22%)`);
    ctx.fillStyle = body; ctx.beginPath(); ctx.arc(cx, cy, r, 0, TAU); ctx.fill();
    // bands
    ctx.save(); ctx.beginPath(); ctx.arc(cx, cy, r, 0, TAU); ctx.clip();
    ctx.strokeStyle = `hsla(${w.hue + 20},70%,85%,0.18)`; ctx.lineWidth = r * 0.16;
    for (let i = -2; i <= 2; i++) {
      ctx.beginPath(); ctx.moveTo(cx - r, cy + i * r * 0.36 + Math.sin(w.spin + i) * 3); ctx.bezierCurveTo(cx - r / 3, cy + i * r * 0.36 - 5, cx + r / 3, cy + i * r * 0.36 + 5, cx + r, cy + i * r * 0.36); ctx.stroke();
    }
    ctx.restore();
    if (w.ring) drawRing(ctx, w, false);
  }
  function drawRing(ctx, w, back) {
    ctx.save(); ctx.translate(w.cx, w.cy); ctx.rotate(-0.35);
    ctx.strokeStyle = `hsla(${w.hue + 40},70%,80%,0.55)`; ctx.lineWidth = 3;
    ctx.beginPath();
    if (back) ctx.ellipse(0, 0, w.r * 1.75, w.r * 0.45, 0, Math.PI, TAU);
    else ctx.ellipse(0, 0, w.r * 1.75, w.r * 0.45, 0, 0, Math.PI);
    ctx.stroke(); ctx.restore();
  }

  function drawPad(ctx, p) {
    ctx.save(); ctx.translate(p.cx, p.cy); ctx.rotate(p.a);
    ctx.shadowColor = "#4dffc3"; ctx.shadowBlur = 12 + p.glow * 20;
    const gr = ctx.createLinearGradient(0, -5, 0, 5);
    gr.addColorStop(0, "#d6fff1"); gr.addColorStop(1, "#1fae7f");
    ctx.fillStyle = gr; g.roundRect(ctx, -p.len / 2, -4, p.len, 8, 4); ctx.fill();
    ctx.shadowBlur = 0;
    ctx.strokeStyle = `rgba(20,60,50,${0.6})`; ctx.lineWidth = 1.6;
    for (let i = -3; i <= 3; i++) { ctx.beginPath(); ctx.moveTo(i * 11 - 3, -2.5); ctx.lineTo(i * 11, 0); ctx.lineTo(i * 11 - 3, 2.5); ctx.stroke(); }
    if (p.glow > 0) { ctx.globalAlpha = p.glow; ctx.fillStyle = "#fff"; g.roundRect(ctx, -p.len / 2, -4, p.len, 8, 4); ctx.fill(); }
    ctx.restore();
  }

  function drawTarget(ctx, t, time) {
    const pulse = 1 + Math.sin(t.phase * 2) * 0.08;
    ctx.save(); ctx.translate(t.cx, t.cy); ctx.scale(pulse, pulse);
    const gl = ctx.createRadialGradient(0, 0, 2, 0, 0, 30);
    gl.addColorStop(0, "rgba(255,230,140,0.5)"); gl.addColorStop(1, "rgba(255,230,140,0)");
    ctx.fillStyle = gl; ctx.beginPath(); ctx.arc(0, 0, 30, 0, TAU); ctx.fill();
    ctx.rotate(t.phase * 0.6);
    ctx.strokeStyle = "#ffe08a"; ctx.lineWidth = 2.5;
    ctx.beginPath(); ctx.arc(0, 0, 13, 0, TAU); ctx.stroke();
    ctx.strokeStyle = "rgba(255,240,190,0.6)"; ctx.lineWidth = 1.2;
    for (let i = 0; i < 4; i++) { const a = i * Math.PI / 2; ctx.beginPath(); ctx.moveTo(Math.cos(a) * 16, Math.sin(a) * 16); ctx.lineTo(Math.cos(a) * 21, Math.sin(a) * 21); ctx.stroke(); }
    ctx.fillStyle = "#fff6d8";
    ctx.beginPath();
    for (let i = 0; i < 10; i++) { const a = i * Math.PI / 5 - Math.PI / 2, rr = i % 2 ? 2.6 : 6.5; ctx.lineTo(Math.cos(a) * rr, Math.sin(a) * rr); }
    ctx.closePath(); ctx.fill();
    ctx.restore();
    if (t.orbit) {
      ctx.strokeStyle = "rgba(255,224,138,0.10)"; ctx.lineWidth = 1; ctx.setLineDash([3, 6]);
      ctx.beginPath(); ctx.arc(t.orbit.p.cx, t.orbit.p.cy, t.orbit.rad, 0, TAU); ctx.stroke(); ctx.setLineDash([]);
    }
  }

  function drawBodies(ctx) {
    ctx.save();
    ctx.globalCompositeOperation = "lighter";
    for (const b of g.all("body")) {
      const tr = b.trail;
      for (let i = 2; i < tr.length; i += 2) {
        const k = i / tr.length;
        ctx.strokeStyle = `hsla(${b.hue},100%,70%,${k * 0.55})`; ctx.lineWidth = 1 + k * 5;
        ctx.beginPath(); ctx.moveTo(tr[i - 2], tr[i - 1]); ctx.lineTo(tr[i], tr[i + 1]); ctx.stroke();
      }
      const gr = ctx.createRadialGradient(b.px, b.py, 0, b.px, b.py, 22);
      gr.addColorStop(0, `hsla(${b.hue},100%,85%,0.9)`); gr.addColorStop(1, `hsla(${b.hue},100%,60%,0)`);
      ctx.fillStyle = gr; ctx.beginPath(); ctx.arc(b.px, b.py, 22, 0, TAU); ctx.fill();
    }
    ctx.restore();
    for (const b of g.all("body")) {
      ctx.fillStyle = "#ffffff"; ctx.beginPath(); ctx.arc(b.px, b.py, BODY_R - 1, 0, TAU); ctx.fill();
    }
  }

  function drawLauncher(ctx, t) {
    // preview
    const d = S.previewDots;
    for (let i = 0; i < d.length; i += 3) {
      ctx.fillStyle = `rgba(200,230,255,${0.15 + d[i + 2] * 0.6})`;
      ctx.beginPath(); ctx.arc(d[i], d[i + 1], 1.5 + d[i + 2] * 1.8, 0, TAU); ctx.fill();
    }
    // slingshot band
    if (S.drag && g.input.pointer) {
      const p = g.input.pointer;
      ctx.strokeStyle = "rgba(255,200,120,0.5)"; ctx.lineWidth = 2; ctx.setLineDash([6, 5]);
      ctx.beginPath(); ctx.moveTo(S.drag.x, S.drag.y); ctx.lineTo(p.x, p.y); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = "rgba(255,200,120,0.8)"; ctx.beginPath(); ctx.arc(S.drag.x, S.drag.y, 4, 0, TAU); ctx.fill();
    }
    ctx.save(); ctx.translate(LX, LY);
    // power arc
    ctx.strokeStyle = "rgba(255,255,255,0.1)"; ctx.lineWidth = 6;
    ctx.beginPath(); ctx.arc(0, 0, 46, Math.PI * 0.6, Math.PI * 2.4); ctx.stroke();
    const pc = `hsl(${140 - S.power * 140},90%,60%)`;
    ctx.strokeStyle = pc; ctx.shadowColor = pc; ctx.shadowBlur = 10;
    ctx.beginPath(); ctx.arc(0, 0, 46, Math.PI * 0.6, Math.PI * 0.6 + Math.PI * 1.8 * S.power); ctx.stroke();
    ctx.shadowBlur = 0;
    // barrel
    ctx.save(); ctx.rotate(S.aim);
    const rc = S.recoil * 6;
    const bg = ctx.createLinearGradient(0, -8, 0, 8);
    bg.addColorStop(0, "#e8f1ff"); bg.addColorStop(1, "#5a6f9e");
    ctx.fillStyle = bg; g.roundRect(ctx, 4 - rc, -7, 36, 14, 5); ctx.fill();
    ctx.fillStyle = "#9fe3ff"; ctx.fillRect(34 - rc, -7, 6, 14);
    ctx.restore();
    // base dome
    const dg = ctx.createRadialGradient(-6, -8, 2, 0, 0, 24);
    dg.addColorStop(0, "#f4f8ff"); dg.addColorStop(1, "#3d4d78");
    ctx.fillStyle = dg; ctx.beginPath(); ctx.arc(0, 0, 22, 0, TAU); ctx.fill();
    ctx.fillStyle = S.shots > 0 ? "#7cf5ff" : "#ff6b7d";
    ctx.beginPath(); ctx.arc(0, 0, 6 + Math.sin(t * 5) * 1, 0, TAU); ctx.fill();
    ctx.restore();
  }

  function draw(gg, ctx) {
    if (!S) return;
    const t = clock();
    if (!backdrop) backdrop = makeBackdrop();
    ctx.drawImage(backdrop, 0, 0);
    for (const s of twinkles) {
      const a = 0.3 + 0.7 * Math.max(0, Math.sin(t * s.s + s.p));
      ctx.fillStyle = `rgba(255,255,255,${a})`;
      ctx.fillRect(s.x - 0.5, s.y - 2, 1, 4); ctx.fillRect(s.x - 2, s.y - 0.5, 4, 1);
    }
    for (const p of g.all("pad")) drawPad(ctx, p);
    for (const tg of g.all("target")) drawTarget(ctx, tg, t);
    for (const q of S.pops) {
      ctx.strokeStyle = `hsla(${q.hue},100%,80%,${1 - q.t / 0.7})`; ctx.lineWidth = 3;
      ctx.beginPath(); ctx.arc(q.x, q.y, 14 + q.t * 80, 0, TAU); ctx.stroke();
    }
    drawLauncher(ctx, t);
    drawBodies(ctx);
  }

  function drawHud(gg, ctx) {
    if (!S) return;
    // Planets and black holes are painted here, above the world layer, so they sit on top of the
    // field ripples that the gravity_wells module draws around every well.
    const t = clock();
    for (const w of g.all("well")) drawWell(ctx, w, t);
    if (g.phase === "title") return;
    ctx.save();
    ctx.textBaseline = "middle";
    ctx.textAlign = "center"; ctx.font = "700 15px system-ui, sans-serif"; ctx.fillStyle = "#cfe0ff";
    ctx.fillText(`SYSTEM ${S.level}  •  rings ${S.targetsTotal - g.all("target").length}/${S.targetsTotal}`, W / 2, 20);
    // comets left
    const n = S.shotsMax;
    const x0 = W / 2 - (n * 18) / 2 + 9;
    for (let i = 0; i < n; i++) {
      const on = i < S.shots;
      ctx.fillStyle = on ? "#9fe8ff" : "rgba(255,255,255,0.15)";
      ctx.beginPath(); ctx.arc(x0 + i * 18, 42, 5, 0, TAU); ctx.fill();
      if (on) { ctx.fillStyle = "rgba(159,232,255,0.35)"; ctx.beginPath(); ctx.moveTo(x0 + i * 18 - 5, 42 - 3); ctx.lineTo(x0 + i * 18 - 13, 42); ctx.lineTo(x0 + i * 18 - 5, 42 + 3); ctx.fill(); }
    }
    ctx.textAlign = "left"; ctx.font = "600 12px system-ui, sans-serif"; ctx.fillStyle = "rgba(210,225,255,0.7)";
    ctx.fillText(`power ${Math.round(S.power * 100)}%`, LX - 40, LY + 62);
    if (S.banner && g.phase === "playing") {
      const a = Math.min(1, S.banner.t / 0.5);
      ctx.globalAlpha = a; ctx.textAlign = "center";
      ctx.shadowColor = "#7fb8ff"; ctx.shadowBlur = 22;
      ctx.font = "800 42px system-ui, sans-serif"; ctx.fillStyle = "#f0f6ff";
      ctx.fillText(S.banner.text, W / 2, 150);
      ctx.shadowBlur = 0; ctx.font = "600 16px system-ui, sans-serif"; ctx.fillStyle = "#b9d2ff";
      ctx.fillText(S.banner.sub, W / 2, 184);
    }
    ctx.restore();
  }

  g = Kit.game({
    title: "Orbit Toy",
    width: W, height: H,
    background: "#060a1c",
    controls: ["Mouse: drag back anywhere and release to fling a comet", "Keys: ←/→ aim, ↑/↓ power, Space fire", "Bend shots round planets, bank off pads, avoid black holes", "Hit every ring before the comets run out  •  R: restart"],
    modules: {
      gravity_wells: { strength: 12000000, core: 60, count: 0, player: 0 },
      particles: { amount: 1, colors: { target_hit: "#ffe08a", pad_bounce: "#8affd4", swallowed: "#c28bff", level_clear: "#cfe6ff" } },
      screen_shake: { magnitude: 6, duration: 0.2, events: ["target_hit", "swallowed", "pad_bounce"] },
      hit_pause: { seconds: 0.06, events: ["target_hit"] },
      floating_text: { texts: { pad_bounce: "BOING!", swallowed: "GULP!" }, color: "#e6f0ff" },
    },
    init(gg) { g = gg; newRun(); },
    update,
    draw,
    drawHud,
  });
})();
