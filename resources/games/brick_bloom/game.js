// Brick Bloom — a breakout garden that grows back.
// Buds mature into two-hit flowers, empty beds sprout new buds next to living ones, golden seed pods
// drop power-ups (wide leaf, thorn ball, slow sun, extra life) and split capsules multiply the ball. Clear the bed to advance.
(function () {
  "use strict";
  const W = 800, H = 600;
  const COLS = 12, BH = 22, GAP = 4;
  const FIELD = { l: 14, r: W - 14, t: 54 };
  const PADDLE_Y = 548, PADDLE_H = 14, BALL_R = 7;
  const FLOWER_HUES = [330, 290, 12, 175, 200, 265];
  const POWERS = {
    wide: { label: "WIDE", color: "#9dff7a", glyph: "↔" },
    thorn: { label: "THORN", color: "#ff6b9a", glyph: "✷" },
    slow: { label: "SLOW", color: "#ffd36b", glyph: "◔" },
    life: { label: "+1", color: "#ff9df0", glyph: "♥" },
  };

  let S = null; // per-run state
  let g = null;  // the Kit game (set before any callback runs)
  const clock = () => performance.now() / 1000;
  const rnd = (a, b) => a + Math.random() * (b - a);
  const clamp = (v, a, b) => (v < a ? a : v > b ? b : v);
  const pick = (arr) => arr[(Math.random() * arr.length) | 0];

  // ---------- sprite cache (bricks are pre-rendered once per look) ----------
  const spriteCache = new Map();
  function sprite(key, w, h, paint) {
    let c = spriteCache.get(key);
    if (!c) {
      c = document.createElement("canvas");
      c.width = w + 16; c.height = h + 16;
      const x = c.getContext("2d");
      x.translate(8, 8);
      paint(x, w, h);
      spriteCache.set(key, c);
    }
    return c;
  }
  function roundRect(ctx, x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r);
    ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r);
    ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }
  function brickSprite(b) {
    const key = b.kind + ":" + (b.hue || 0) + ":" + b.hp + ":" + Math.round(b.w) + "x" + Math.round(b.h);
    return sprite(key, Math.round(b.w), Math.round(b.h), (x, w, h) => {
      let top, bot, edge;
      if (b.kind === "bud") { top = "#5fd47a"; bot = "#1f7a44"; edge = "#b6ffc4"; }
      else if (b.kind === "flower") { top = `hsl(${b.hue},90%,72%)`; bot = `hsl(${b.hue},75%,40%)`; edge = `hsl(${b.hue},100%,88%)`; }
      else if (b.kind === "pod") { top = "#ffe28a"; bot = "#c07a12"; edge = "#fff3c4"; }
      else { const l = 30 + b.hp * 8; top = `hsl(220,10%,${l + 18}%)`; bot = `hsl(225,14%,${l - 8}%)`; edge = "#d8dde8"; }
      x.shadowColor = edge; x.shadowBlur = 8;
      const gr = x.createLinearGradient(0, 0, 0, h);
      gr.addColorStop(0, top); gr.addColorStop(1, bot);
      x.fillStyle = gr; roundRect(x, 0, 0, w, h, 7); x.fill();
      x.shadowBlur = 0;
      x.globalAlpha = 0.35; x.fillStyle = "#fff"; roundRect(x, 4, 2, w - 8, 6, 3); x.fill(); x.globalAlpha = 1;
      x.strokeStyle = edge; x.globalAlpha = 0.6; x.lineWidth = 1.2; roundRect(x, 0.5, 0.5, w - 1, h - 1, 7); x.stroke(); x.globalAlpha = 1;
      const cx = w / 2, cy = h / 2;
      if (b.kind === "flower") {
        for (let i = 0; i < 6; i++) {
          const a = (i / 6) * Math.PI * 2;
          x.fillStyle = `hsla(${b.hue},100%,92%,0.9)`;
          x.beginPath(); x.ellipse(cx + Math.cos(a) * 5, cy + Math.sin(a) * 4, 4.2, 2.6, a, 0, Math.PI * 2); x.fill();
        }
        x.fillStyle = "#ffe066"; x.beginPath(); x.arc(cx, cy, 3, 0, Math.PI * 2); x.fill();
      } else if (b.kind === "bud") {
        x.strokeStyle = "#d9ffe0"; x.lineWidth = 1.6;
        x.beginPath(); x.moveTo(cx, cy + 6); x.quadraticCurveTo(cx - 1, cy, cx, cy - 3); x.stroke();
        x.fillStyle = "#d9ffe0";
        x.beginPath(); x.ellipse(cx - 4, cy, 4, 2, -0.5, 0, Math.PI * 2); x.fill();
        x.beginPath(); x.ellipse(cx + 4, cy - 2, 4, 2, 0.5, 0, Math.PI * 2); x.fill();
      } else if (b.kind === "pod") {
        x.fillStyle = "#fff6d0";
        for (let i = -2; i <= 2; i++) { x.beginPath(); x.arc(cx + i * 8, cy + (i % 2 ? 2 : -2), 2.2, 0, Math.PI * 2); x.fill(); }
      } else {
        x.strokeStyle = "rgba(20,24,36,0.7)"; x.lineWidth = 1.3;
        if (b.hp <= 2) { x.beginPath(); x.moveTo(12, 2); x.lineTo(20, 10); x.lineTo(16, 18); x.stroke(); }
        if (b.hp <= 1) { x.beginPath(); x.moveTo(w - 10, 3); x.lineTo(w - 22, 12); x.lineTo(w - 16, h - 3); x.stroke(); }
      }
    });
  }

  // ---------- garden geometry (read from the brick_grid module's parameters) ----------
  function geo() {
    const p = g.params("brick_grid") || { cols: COLS, margin: 26, gap: GAP, top: 92, height: BH };
    const cols = Math.max(1, Math.round(p.cols));
    const bw = (W - p.margin * 2 - p.gap * (cols - 1)) / cols;
    return { cols, bw, bh: p.height, gap: p.gap, x0: p.margin, y0: p.top, rowsMax: 10 };
  }
  function cellRect(c, r) { const q = geo(); return { x: q.x0 + c * (q.bw + q.gap), y: q.y0 + r * (q.bh + q.gap), w: q.bw, h: q.bh }; }
  const KIND = {
    bud: { hp: 1, points: 10 }, flower: { hp: 2, points: 25 }, pod: { hp: 1, points: 30 }, stone: { hp: 3, points: 60 },
  };
  function setKind(b, kind, hue) {
    b.kind = kind; b.hp = KIND[kind].hp; b.maxHp = b.hp; b.points = KIND[kind].points;
    b.hue = kind === "flower" ? (hue !== undefined ? hue : pick(FLOWER_HUES)) : 0;
  }
  // brick_grid builds plain walls; each wall is "planted" here: symmetric beds of buds, flowers,
  // seed pods and (later) stones, in one of four garden layouts.
  function plant() {
    const fresh = g.all("brick").filter((b) => !b.kind);
    if (!fresh.length) return;
    const q = geo();
    const style = (S.level - 1) % 4;
    const plan = {};
    for (const b of fresh) {
      delete b.kit;                                  // drawn by this game, not by brick_grid
      b.col = Math.round((b.x - q.x0) / (q.bw + q.gap));
      b.row = Math.round((b.y - q.y0) / (q.bh + q.gap));
      b.age = -Math.random() * 6; b.grow = 0.2 + Math.random() * 0.3; b.flash = 0;
      const m = Math.min(b.col, q.cols - 1 - b.col), key = b.row * 64 + m;
      if (!plan[key]) {
        let on = true;
        const half = q.cols / 2;
        if (style === 1) on = (b.row + m) % 3 !== 0;
        if (style === 2) on = Math.abs(m - half + 0.5) + b.row * 0.7 < half + 1.5;
        if (style === 3) on = Math.random() < 0.8;
        let kind = "bud";
        const roll = Math.random();
        if (roll < 0.07) kind = "pod";
        else if (S.level >= 3 && roll < 0.07 + Math.min(0.16, 0.04 * (S.level - 2)) && b.row < 3) kind = "stone";
        else if (roll < 0.6) kind = "flower";
        plan[key] = { on, kind, hue: pick(FLOWER_HUES) };
      }
      const pl = plan[key];
      if (!pl.on) { b.dead = true; continue; }
      setKind(b, pl.kind, pl.hue);
    }
    S.bloomTimer = 0;
  }
  function occupancy() {
    const occ = new Map();
    for (const b of g.all("brick")) if (b.kind) occ.set(b.row * 64 + b.col, b);
    return occ;
  }
  function bloomInterval() { return Math.max(1.8, 6.6 - S.level * 0.6); }
  function matureTime() { return Math.max(8, 22 - S.level * 2); }

  function trySprout() {
    const q = geo(), occ = occupancy();
    const rows = Math.min(q.rowsMax, Math.max(...[...occ.values()].map((b) => b.row), 0) + 2);
    const cands = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < q.cols; c++) {
      if (occ.has(r * 64 + c)) continue;
      const n = [[1, 0], [-1, 0], [0, 1], [0, -1]].some(([dc, dr]) => {
        const b = occ.get((r + dr) * 64 + c + dc);
        return b && b.kind !== "stone" && (c + dc) >= 0 && (c + dc) < q.cols;
      });
      if (!n) continue;
      const p = cellRect(c, r);
      const blocked = g.all("ball").some((ball) => ball.x + ball.w > p.x - 12 && ball.x < p.x + p.w + 12 && ball.y + ball.h > p.y - 12 && ball.y < p.y + p.h + 12);
      if (!blocked) cands.push([c, r]);
    }
    if (!cands.length) return;
    const [c, r] = pick(cands);
    const p = cellRect(c, r);
    const b = g.add({ x: p.x, y: p.y, w: p.w, h: p.h, tags: ["brick"], col: c, row: r, age: 0, grow: 0, flash: 0 });
    setKind(b, "bud");
    g.emit("bloom", { col: c, row: r });
    g.sfx.play("blip", { pitch: 1.7 + Math.random() * 0.4 });
    g.fx.burst(b.x + b.w / 2, b.y + b.h / 2, "#9dffb0", 8);
  }

  // ---------- effects ----------
  function petals(x, y, hue, n) {
    for (let i = 0; i < n; i++) {
      S.petals.push({ x, y, vx: rnd(-120, 120), vy: rnd(-160, 20), rot: rnd(0, 6), vr: rnd(-8, 8), life: rnd(0.8, 1.5), t: 0, hue, s: rnd(3, 6) });
    }
    if (S.petals.length > 260) S.petals.splice(0, S.petals.length - 260);
  }

  // ---------- reactions to the ball_bounce module ----------
  function onBrickHit(ev) {            // a brick survived a hit (hp left)
    const b = ev.e; if (!b || !b.kind) return;
    b.flash = 0.12;
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    if (S.thorn > 0) {                 // thorn ball: every hit breaks
      b.dead = true;
      g.addScore(b.points, cx, cy);
      g.sfx.play("blip", { pitch: 1.3 });
      g.fx.burst(cx, cy, "#ff8fb5", 12);
      g.emit("brick", { e: b, x: cx, y: cy });
      return;
    }
    if (b.kind === "flower") {
      b.kind = "bud"; b.age = 0; b.points = KIND.bud.points; b.maxHp = 1;
      petals(cx, cy, b.hue, 10);
      g.sfx.play("coin", { pitch: 0.8 });
      g.addScore(5, cx, cy);
      g.emit("petal_knock", {});
    } else if (b.kind === "stone") {
      g.sfx.play("hit", { pitch: 1.8 });
      g.fx.burst(cx, cy, "#cfd6e6", 6);
      g.fx.shake(3, 0.08);
    }
  }
  function onBrickBroken(ev) {
    const b = ev.e; if (!b || !b.kind) return;
    const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
    if (b.kind === "flower") petals(cx, cy, b.hue, 14);
    if (b.kind === "bud") petals(cx, cy, 130, 5);
    if (b.kind === "stone") { g.sfx.play("explode", { pitch: 1.4 }); g.fx.shake(5, 0.15); g.fx.burst(cx, cy, "#c9cfdc", 14); }
    g.fx.burst(cx, cy, b.kind === "pod" ? "#ffe28a" : b.kind === "flower" ? `hsl(${b.hue},90%,70%)` : "#8ff5a8", 8);
    g.emit("brick_break", { kind: b.kind });
    if (b.kind === "pod" || Math.random() < 0.04) dropPower(cx, cy);
  }

  function dropPower(x, y) {
    const pool = ["wide", "thorn", "slow", "wide", "thorn"];
    if (g.lives < 5 && Math.random() < 0.2) pool.push("life");
    g.add({ x: x - 13, y: y - 9, w: 26, h: 18, vy: 120, tags: ["powerup"], kind: pick(pool), spin: 0 });
  }

  function applyPower(kind, x) {
    const P = POWERS[kind];
    g.sfx.play("powerup");
    g.fx.text(x, PADDLE_Y - 24, P.label, P.color);
    g.emit("powerup", { kind, x, y: PADDLE_Y });      // the particles module bursts here
    if (kind === "wide") S.wide = 12;
    else if (kind === "thorn") S.thorn = 7;
    else if (kind === "slow") {
      if (S.slow <= 0) for (const b of g.all("ball")) { b.vx *= 0.65; b.vy *= 0.65; }
      S.slow = 8;
    } else if (kind === "life") { g.lives = Math.min(g.lives + 1, 6); g.emit("life_gain", {}); }
  }
  function endSlow() { for (const b of g.all("ball")) { b.vx /= 0.65; b.vy /= 0.65; } }

  // ---------- run ----------
  function newRun() {
    S = {
      level: 1, petals: [], wide: 0, thorn: 0, slow: 0, bloomTimer: 0, levelTime: 0, serveT: 0,
      banner: { text: "GARDEN 1", t: 2.2 }, squash: 0,
      fireflies: S ? S.fireflies : makeFireflies(),
    };
    S.paddle = g.add({ x: W / 2 - 55, y: PADDLE_Y, w: 110, h: PADDLE_H, tags: ["paddle"] });
    // walls and a ceiling below the score bar, for the ball to ricochet off
    g.add({ x: -40, y: 0, w: 40 + FIELD.l, h: H + 200, tags: ["solid"] });
    g.add({ x: FIELD.r, y: 0, w: 40 + FIELD.l, h: H + 200, tags: ["solid"] });
    g.add({ x: 0, y: -40, w: W, h: 40 + FIELD.t, tags: ["solid"] });
    g.on("brick_hit", onBrickHit);
    g.on("brick", onBrickBroken);
    g.on("paddle_hit", (ev) => { S.squash = 1; if (ev && ev.e) g.fx.burst(ev.e.x + ev.e.w / 2, PADDLE_Y, "#b8ffcf", 5); });
    g.on("life_lost", () => {
      if (S.slow > 0) S.slow = 0;
      S.wide = 0; S.thorn = 0;
      for (const pu of g.all("powerup")) g.remove(pu);
    });
    g.on("level_clear", () => {
      g.addScore(250 * S.level, W / 2, 330);
      for (const pu of g.all("powerup")) g.remove(pu);
    });
    g.on("wall", () => {
      S.level++;
      S.banner = { text: "GARDEN " + S.level, t: 2.2 };
      S.levelTime = 0;
      const bp = g.params("ball_bounce");
      bp.speed = Math.min(560, bp.speed + 24);
      for (const b of g.all("ball")) { b.vx *= 1.06; b.vy *= 1.06; }
      plant();
    });
  }
  function makeFireflies() {
    const f = [];
    for (let i = 0; i < 28; i++) f.push({ x: rnd(0, W), y: rnd(60, H), p: rnd(0, 6.28), s: rnd(0.3, 1), r: rnd(1, 2.2) });
    return f;
  }
  function launchStuck(ball) {
    const a = rnd(-0.45, 0.45), sp = g.params("ball_bounce").speed;
    ball.stuck = false; ball.vx = Math.sin(a) * sp; ball.vy = -Math.cos(a) * sp;
    g.sfx.play("click");
    g.emit("serve", { e: ball });
  }

  function update(gg, dt) {
    const p = S.paddle;
    plant();
    S.levelTime += dt;
    // --- paddle: paddle_control moved it; keep it inside the garden walls, grow it when wide ---
    const targetW = S.wide > 0 ? 170 : 110;
    if (Math.abs(p.w - targetW) > 0.5) { const cx = p.x + p.w / 2; p.w += (targetW - p.w) * Math.min(1, dt * 10); p.x = cx - p.w / 2; }
    p.x = clamp(p.x, FIELD.l, FIELD.r - p.w);
    S.squash = Math.max(0, S.squash - dt * 4);

    // --- timers ---
    for (const k of ["wide", "thorn"]) if (S[k] > 0) S[k] = Math.max(0, S[k] - dt);
    if (S.slow > 0) { S.slow -= dt; if (S.slow <= 0) { S.slow = 0; endSlow(); } }
    if (S.banner) { S.banner.t -= dt; if (S.banner.t <= 0) S.banner = null; }

    // --- balls: ball_bounce flies them; we serve with ↑ too, auto-serve after 3 s, and keep trails ---
    let stuck = false;
    for (const ball of g.all("ball")) {
      delete ball.kit;
      ball.thorn = S.thorn > 0;
      if (ball.stuck) {
        stuck = true;
        if (g.input.pressed("up") || S.serveT > 3) launchStuck(ball);
        continue;
      }
      ball.trail = ball.trail || [];
      ball.trail.push(ball.x + ball.w / 2, ball.y + ball.h / 2);
      if (ball.trail.length > 20) ball.trail.splice(0, 2);
    }
    S.serveT = stuck ? S.serveT + dt : 0;

    // --- power-ups ---
    for (const pu of g.all("powerup")) {
      pu.y += pu.vy * dt; pu.spin += dt * 3;
      if (pu.y + pu.h >= p.y && pu.y <= p.y + PADDLE_H && pu.x + pu.w > p.x && pu.x < p.x + p.w) {
        g.remove(pu); applyPower(pu.kind, pu.x + pu.w / 2);
      } else if (pu.y > H) g.remove(pu);
    }

    // --- the garden grows ---
    const mt = matureTime();
    for (const b of g.all("brick")) {
      if (!b.kind) continue;
      if (b.grow < 1) b.grow = Math.min(1, b.grow + dt * 1.6);
      if (b.flash > 0) b.flash -= dt;
      if (b.kind === "bud") {
        b.age += dt;
        if (b.age > mt + ((b.col * 7 + b.row * 3) % 4)) {
          setKind(b, "flower"); b.grow = 0.55;
          g.emit("mature", {});
          g.sfx.play("blip", { pitch: 2.2 });
          petals(b.x + b.w / 2, b.y + b.h / 2, b.hue, 4);
        }
      }
    }
    S.bloomTimer += dt;
    if (S.bloomTimer > bloomInterval() && g.first("brick")) { S.bloomTimer = 0; trySprout(); }
  }

  // ---------- drawing ----------
  function drawBackground(ctx, t) {
    const bg = ctx.createLinearGradient(0, 0, 0, H);
    bg.addColorStop(0, "#0b1326"); bg.addColorStop(0.55, "#10233a"); bg.addColorStop(1, "#1a3a2e");
    ctx.fillStyle = bg; ctx.fillRect(0, 0, W, H);
    // moon glow
    const mg = ctx.createRadialGradient(660, 40, 4, 660, 40, 260);
    mg.addColorStop(0, "rgba(220,240,255,0.20)"); mg.addColorStop(1, "rgba(220,240,255,0)");
    ctx.fillStyle = mg; ctx.fillRect(0, 0, W, H);
    // trellis lines
    ctx.strokeStyle = "rgba(140,220,190,0.05)"; ctx.lineWidth = 1;
    const q = geo();
    for (let x = q.x0 - q.gap / 2; x <= W; x += q.bw + q.gap) { ctx.beginPath(); ctx.moveTo(x, FIELD.t); ctx.lineTo(x, H); ctx.stroke(); }
    // grass silhouettes
    ctx.fillStyle = "rgba(20,60,40,0.85)";
    ctx.beginPath(); ctx.moveTo(0, H);
    for (let x = 0; x <= W; x += 10) {
      const h = 16 + Math.sin(x * 0.13 + t * 1.3) * 5 + Math.sin(x * 0.041) * 7;
      ctx.lineTo(x, H - h); ctx.lineTo(x + 5, H - h * 0.4);
    }
    ctx.lineTo(W, H); ctx.closePath(); ctx.fill();
    // fireflies
    const ff = S ? S.fireflies : [];
    ctx.globalCompositeOperation = "lighter";
    for (const f of ff) {
      const x = (f.x + Math.sin(t * f.s + f.p) * 30 + W) % W;
      const y = f.y + Math.cos(t * f.s * 0.7 + f.p) * 20;
      const a = 0.3 + 0.3 * Math.sin(t * 3 * f.s + f.p);
      const gr = ctx.createRadialGradient(x, y, 0, x, y, f.r * 6);
      gr.addColorStop(0, `rgba(210,255,150,${a})`); gr.addColorStop(1, "rgba(210,255,150,0)");
      ctx.fillStyle = gr; ctx.fillRect(x - f.r * 6, y - f.r * 6, f.r * 12, f.r * 12);
    }
    ctx.globalCompositeOperation = "source-over";
    // frame
    ctx.strokeStyle = "rgba(160,255,200,0.25)"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(FIELD.l - 2, H); ctx.lineTo(FIELD.l - 2, FIELD.t - 2); ctx.lineTo(FIELD.r + 2, FIELD.t - 2); ctx.lineTo(FIELD.r + 2, H); ctx.stroke();
  }

  function drawBricks(ctx, t) {
    for (const b of g.all("brick")) {
      if (!b.kind) continue;
      if (g.phase !== "playing") b.grow = 1;
      const spr = brickSprite(b);
      const s = easeOutBack(b.grow);
      const sway = b.kind === "flower" ? Math.sin(t * 2 + b.col * 0.7 + b.row) * 0.6 : 0;
      const BW = Math.round(b.w), BH = Math.round(b.h);
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2 + sway;
      ctx.save();
      ctx.translate(cx, cy); ctx.scale(s, s);
      ctx.drawImage(spr, -BW / 2 - 8, -BH / 2 - 8);
      if (b.flash > 0) { ctx.globalAlpha = b.flash / 0.12 * 0.7; ctx.fillStyle = "#fff"; roundRect(ctx, -BW / 2, -BH / 2, BW, BH, 7); ctx.fill(); }
      ctx.restore();
      if (b.kind === "bud" && b.grow >= 1) {
        // maturity ring: how close this bud is to becoming a two-hit flower
        const k = Math.min(1, b.age / matureTime());
        if (k > 0.5) {
          ctx.strokeStyle = `rgba(255,190,240,${(k - 0.5) * 1.4})`; ctx.lineWidth = 2;
          ctx.beginPath(); ctx.arc(cx, cy, 7, -Math.PI / 2, -Math.PI / 2 + k * Math.PI * 2); ctx.stroke();
        }
      }
    }
  }
  function easeOutBack(x) { const c1 = 1.70158, c3 = c1 + 1; return x >= 1 ? 1 : 1 + c3 * Math.pow(x - 1, 3) + c1 * Math.pow(x - 1, 2); }

  function drawPaddle(ctx, t) {
    const p = S.paddle;
    const sq = S.squash * 3;
    const x = p.x - sq, w = p.w + sq * 2, y = p.y + sq * 0.6, h = PADDLE_H - sq * 0.6;
    ctx.save();
    ctx.shadowColor = S.wide > 0 ? "#9dff7a" : "#5ef0b0"; ctx.shadowBlur = 18;
    const gr = ctx.createLinearGradient(0, y, 0, y + h);
    gr.addColorStop(0, "#c8ffe0"); gr.addColorStop(0.45, "#43d68f"); gr.addColorStop(1, "#13704a");
    ctx.fillStyle = gr;
    ctx.beginPath();
    ctx.moveTo(x, y + h / 2);
    ctx.quadraticCurveTo(x + w * 0.12, y - 2, x + w / 2, y);
    ctx.quadraticCurveTo(x + w * 0.88, y - 2, x + w, y + h / 2);
    ctx.quadraticCurveTo(x + w * 0.88, y + h + 2, x + w / 2, y + h);
    ctx.quadraticCurveTo(x + w * 0.12, y + h + 2, x, y + h / 2);
    ctx.fill();
    ctx.restore();
    ctx.strokeStyle = "rgba(230,255,240,0.7)"; ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.moveTo(x + 10, y + h / 2); ctx.lineTo(x + w - 10, y + h / 2); ctx.stroke();
    for (let i = 1; i < 6; i++) {
      const vx = x + (w * i) / 6;
      ctx.beginPath(); ctx.moveTo(vx, y + h / 2); ctx.lineTo(vx + 6, y + 2); ctx.stroke();
    }
  }

  function drawBalls(ctx) {
    ctx.save();
    ctx.globalCompositeOperation = "lighter";
    for (const b of g.all("ball")) {
      const col = b.thorn ? [255, 110, 160] : S.slow > 0 ? [255, 215, 110] : [160, 255, 230];
      const tr = b.trail || [];
      for (let i = 0; i < tr.length; i += 2) {
        const k = i / tr.length;
        ctx.fillStyle = `rgba(${col[0]},${col[1]},${col[2]},${k * 0.35})`;
        ctx.beginPath(); ctx.arc(tr[i], tr[i + 1], BALL_R * (0.4 + k * 0.6), 0, Math.PI * 2); ctx.fill();
      }
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
      const gr = ctx.createRadialGradient(cx, cy, 0, cx, cy, BALL_R * 3);
      gr.addColorStop(0, `rgba(${col[0]},${col[1]},${col[2]},0.7)`); gr.addColorStop(1, `rgba(${col[0]},${col[1]},${col[2]},0)`);
      ctx.fillStyle = gr; ctx.beginPath(); ctx.arc(cx, cy, BALL_R * 3, 0, Math.PI * 2); ctx.fill();
    }
    ctx.restore();
    for (const b of g.all("ball")) {
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
      const gr = ctx.createRadialGradient(cx - 2, cy - 2, 1, cx, cy, BALL_R);
      gr.addColorStop(0, "#ffffff"); gr.addColorStop(1, b.thorn ? "#ff5d92" : "#8ff7d8");
      ctx.fillStyle = gr; ctx.beginPath(); ctx.arc(cx, cy, BALL_R, 0, Math.PI * 2); ctx.fill();
      if (b.thorn) {
        ctx.strokeStyle = "#ffd0e0"; ctx.lineWidth = 1.5;
        for (let i = 0; i < 6; i++) { const a = i * Math.PI / 3 + clock() * 6; ctx.beginPath(); ctx.moveTo(cx + Math.cos(a) * BALL_R, cy + Math.sin(a) * BALL_R); ctx.lineTo(cx + Math.cos(a) * (BALL_R + 4), cy + Math.sin(a) * (BALL_R + 4)); ctx.stroke(); }
      }
    }
  }

  function drawPowerups(ctx) {
    for (const pu of g.all("powerup")) {
      const P = POWERS[pu.kind];
      const cx = pu.x + pu.w / 2, cy = pu.y + pu.h / 2;
      ctx.save();
      ctx.translate(cx, cy);
      ctx.shadowColor = P.color; ctx.shadowBlur = 16;
      ctx.fillStyle = "rgba(10,20,30,0.85)";
      ctx.strokeStyle = P.color; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.ellipse(0, 0, 15, 10, Math.sin(pu.spin) * 0.25, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
      ctx.shadowBlur = 0;
      ctx.fillStyle = P.color; ctx.font = "bold 13px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(P.glyph, 0, 1);
      ctx.restore();
    }
  }

  function drawPetals(ctx, dt) {
    for (let i = S.petals.length - 1; i >= 0; i--) {
      const q = S.petals[i];
      q.t += dt; q.vy += 260 * dt; q.vx *= 0.985; q.x += q.vx * dt; q.y += q.vy * dt; q.rot += q.vr * dt;
      if (q.t > q.life) { S.petals.splice(i, 1); continue; }
      ctx.globalAlpha = 1 - q.t / q.life;
      ctx.fillStyle = `hsl(${q.hue},95%,78%)`;
      ctx.beginPath(); ctx.ellipse(q.x, q.y, q.s, q.s * 0.5, q.rot, 0, Math.PI * 2); ctx.fill();
    }
    ctx.globalAlpha = 1;
  }

  let lastDraw = clock();
  function draw(g, ctx) {
    const t = clock();
    const dt = Math.min(0.05, t - lastDraw); lastDraw = t;
    if (!S) return;
    plant();
    for (const b of g.all("ball")) delete b.kit;      // this game draws its own balls
    drawBackground(ctx, t);
    drawBricks(ctx, t);
    drawPowerups(ctx);
    drawPaddle(ctx, t);
    drawBalls(ctx);
    drawPetals(ctx, g.phase === "playing" ? dt : dt * 0.5);
    if (g.phase === "playing") {
      const stuck = g.all("ball").some((b) => b.stuck);
      if (stuck && Math.sin(t * 6) > -0.3) {
        ctx.fillStyle = "rgba(220,255,235,0.85)"; ctx.font = "15px sans-serif"; ctx.textAlign = "center";
        ctx.fillText("Space / click to launch", W / 2, PADDLE_Y - 40);
      }
      if (S.banner) {
        const a = Math.min(1, S.banner.t / 0.5);
        ctx.save(); ctx.globalAlpha = a;
        ctx.shadowColor = "#8fffc0"; ctx.shadowBlur = 24;
        ctx.fillStyle = "#eafff2"; ctx.font = "bold 44px sans-serif"; ctx.textAlign = "center";
        ctx.fillText(S.banner.text, W / 2, 400);
        ctx.shadowBlur = 0; ctx.font = "16px sans-serif"; ctx.fillStyle = "#a8f0c8";
        ctx.fillText(S.level === 1 ? "the garden grows back — clear it fast" : "buds bloom faster now", W / 2, 430);
        ctx.restore();
      }
    }
  }

  function drawHud(g, ctx) {
    if (!S || g.phase === "title") return;
    // bottom-left: garden level and bloom gauge
    ctx.save();
    ctx.font = "bold 14px sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
    ctx.fillStyle = "#bff5d4";
    ctx.fillText("GARDEN " + S.level, 22, H - 10);
    const k = Math.min(1, S.bloomTimer / bloomInterval());
    ctx.fillStyle = "rgba(255,255,255,0.12)"; roundRect(ctx, 110, H - 21, 80, 8, 4); ctx.fill();
    ctx.fillStyle = "#6cf09a"; roundRect(ctx, 110, H - 21, 80 * k, 8, 4); ctx.fill();
    ctx.fillStyle = "#8fd8ae"; ctx.font = "11px sans-serif"; ctx.fillText("bloom", 196, H - 13);
    // active powers
    let x = W - 24;
    ctx.textAlign = "right";
    for (const [key, max] of [["slow", 8], ["thorn", 7], ["wide", 12]]) {
      if (S[key] <= 0) continue;
      const P = POWERS[key];
      ctx.fillStyle = P.color; ctx.font = "bold 12px sans-serif";
      ctx.fillText(P.label, x, H - 14);
      const tw = ctx.measureText(P.label).width;
      ctx.fillStyle = "rgba(255,255,255,0.15)"; ctx.fillRect(x - tw, H - 10, tw, 3);
      ctx.fillStyle = P.color; ctx.fillRect(x - tw, H - 10, tw * (S[key] / max), 3);
      x -= tw + 18;
    }
    ctx.restore();
  }

  const meta = {
    title: "Brick Bloom",
    width: W, height: H,
    background: "#0b1326",
    controls: ["←/→ or A/D or mouse: move the leaf paddle", "Space / ↑ / click: launch the ball",
      "The garden regrows — buds bloom into 2-hit flowers", "Catch falling seeds for power-ups  •  R: restart"],
    modules: {
      paddle_control: { speed: 640 },
      ball_bounce: { speed: 360, max_speed: 700, speedup: 1.02 },
      brick_grid: { rows: 5, cols: 12, top: 92, height: BH, gap: GAP, margin: 26, tough_rows: 0, points: 10 },
      multiball: { chance: 0.08, split: 2, max_balls: 9 },
      combo_score: { window: 1.6, step: 0.25, max: 3 },
      particles: { amount: 1, colors: { brick: "#d6ffe2", powerup: "#fff3a0", multiball: "#7cf5ff", level_clear: "#fff3a0" } },
      screen_shake: { magnitude: 5, duration: 0.2, events: ["ball_lost", "brick"] },
      floating_text: { texts: { multiball: "MULTIBALL!" }, color: "#bff8ff" },
    },
    init(gg) { g = gg; newRun(); },
    update,
    draw,
    drawHud,
  };
  g = Kit.game(meta);
})();
