// Sky Hopper — climb an endless tower of floating islands before the rising Gloom swallows you.
// Run and double-jump between grassy islands, ride drifting clouds, spring off mushrooms, dodge
// thornballs and stomp sky wasps. The sky changes from meadow blue to starfield as you climb.
(function () {
  "use strict";

  // Module parameters (mirrors game.json "params"); every loaded mechanic module is switched on.
  const PARAMS = {
    gravity: {g: 1900, max_fall: 1000, run_speed: 290, run_accel: 2600},
    jump: {strength: 770, cut: 0.45},
    double_jump: {extra_jumps: 1, strength: 0.86},
    coyote_time: {seconds: 0.1},
    moving_platforms: {range_x: 110, range_y: 0, period: 3.4},
    coins: {value: 10, streak_time: 0.9},
    invincibility_frames: {seconds: 1.8},
    homing_enemies: {speed: 105, turn: 1.6, range: 430},
    knockback: {force: 380, lift: 520},
    screen_shake: {magnitude: 7, duration: 0.25, events: ["damage", "stomp", "crumble"]},
    hit_pause: {seconds: 0.07, events: ["damage", "stomp"]},
    particles: {amount: 1, colors: {jump: "#ffffff", spring: "#ff9fb4", stomp: "#ffcc2e", crumble: "#b08c5c", respawn: "#bff6ff"}},
    floating_text: {texts: {spring: "BOING!", stomp: "STOMP!", milestone: "{m} m!"}, color: "#fff6d8"},
  };
  const MODULES = {};
  for (const m of Kit.modules) MODULES[m.id] = PARAMS[m.id] || {};

  const W = 800, H = 600;
  const START_Y = 520;           // world y of the first island's top
  const PX_PER_M = 10;
  const ZONES = [
    {at: 0, name: "Meadow Skies", top: [96, 170, 240], bottom: [190, 230, 255]},
    {at: 150, name: "Cloud Sea", top: [52, 110, 200], bottom: [150, 200, 245]},
    {at: 350, name: "Sunset Heights", top: [120, 80, 170], bottom: [255, 170, 120]},
    {at: 600, name: "Twilight Reach", top: [40, 30, 90], bottom: [170, 90, 150]},
    {at: 900, name: "Starfield", top: [6, 8, 28], bottom: [40, 40, 100]},
  ];

  let S = null;                  // per-run state

  // deterministic hash noise for background decoration
  const hash = (n) => { const s = Math.sin(n * 127.1 + 311.7) * 43758.5453; return s - Math.floor(s); };
  const mix = (a, b, t) => a + (b - a) * t;
  const rgb = (c) => `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})`;

  function zoneAt(alt) {
    let i = 0;
    while (i + 1 < ZONES.length && alt >= ZONES[i + 1].at) i++;
    return i;
  }
  function skyColors(alt) {
    const i = zoneAt(alt);
    const a = ZONES[i], b = ZONES[Math.min(i + 1, ZONES.length - 1)];
    const span = b.at - a.at || 1;
    const t = Math.max(0, Math.min(1, (alt - a.at) / span));
    const k = t * t * (3 - 2 * t);
    return [a.top.map((v, j) => mix(v, b.top[j], k)), a.bottom.map((v, j) => mix(v, b.bottom[j], k))];
  }
  function difficulty(y) { return Math.max(0, Math.min(1, (START_Y - y) / 16000)); }

  // ---------------------------------------------------------------- level generation
  function addIsland(g, x, y, w, kind) {
    const tags = ["platform", "island"];
    if (kind === "cloud") tags.push("moving");
    const e = g.add({x, y, w, h: 20, tags, kind, seed: Math.random() * 1000});
    if (kind === "cloud") { e.rangeX = 70 + Math.random() * 90; e.period = 2.6 + Math.random() * 1.8; e.phase = Math.random() * 4; }
    if (kind === "crumble") e.crumbleT = -1;
    return e;
  }

  function generate(g, untilY) {
    while (S.genY > untilY) {
      const d = difficulty(S.genY);
      const gap = 82 + 58 * d + Math.random() * 22;
      const y = S.genY - gap;
      const w = Math.max(62, 150 - 75 * d + (Math.random() * 40 - 20));
      let x = S.genX + (Math.random() * 2 - 1) * (170 + 90 * d);
      if (Math.random() < 0.5 && Math.abs(x - S.genX) < 90) x += (x < W / 2 ? 1 : -1) * 140;
      x = Math.max(16, Math.min(W - w - 16, x));
      const r = Math.random();
      let kind = "grass";
      if (S.rows > 3) {
        if (r < 0.1 + 0.28 * d) kind = "cloud";
        else if (r < 0.14 + 0.5 * d && S.rows > 8) kind = "crumble";
        else if (r < 0.2 + 0.52 * d && S.rows > 5) kind = "spring";
      }
      const island = addIsland(g, x, y, w, kind);
      S.rows++;
      // coins: a little row above the island, sometimes an arc to the next one
      if (Math.random() < 0.55) {
        const n = 1 + Math.floor(Math.random() * 3);
        for (let i = 0; i < n; i++) {
          g.add({x: x + w / 2 - (n * 26) / 2 + i * 26 + 3, y: y - 42 - (i % 2) * 8, w: 20, h: 20,
            tags: ["coin"], spin: Math.random() * 6, attach: kind === "cloud" ? island : null,
            offX: 0, offY: 0});
        }
      }
      if (kind === "cloud") for (const c of g.all("coin")) if (c.attach === island) { c.offX = c.x - island.x; c.offY = c.y - island.y; }
      // gem: a rare big coin floating in the open
      if (Math.random() < 0.08 + 0.05 * d) {
        g.add({x: 60 + Math.random() * (W - 120), y: y - gap * 0.5, w: 26, h: 26, tags: ["coin", "gem"], spin: 0, value: 100});
      }
      // hazards
      if (S.rows > 6 && Math.random() < 0.1 + 0.3 * d) {
        const hy = y - gap * 0.55;
        const hx = Math.random() * (W - 200) + 100;
        g.add({x: hx, y: hy, w: 30, h: 30, tags: ["hazard", "thorn"], baseX: hx, baseY: hy,
          amp: 60 + Math.random() * 120 * (0.5 + d), speed: 0.8 + Math.random() * 1.2 + d, t: Math.random() * 6});
      }
      if (S.rows > 18 && Math.random() < 0.05 + 0.16 * d) {
        const hx = Math.random() < 0.5 ? 40 : W - 70;
        g.add({x: hx, y: y - 40, w: 32, h: 24, tags: ["enemy", "wasp"], t: Math.random() * 6, awake: false});
      }
      S.genY = y; S.genX = x + w / 2 - 60;
    }
  }

  // ---------------------------------------------------------------- player events
  function respawn(g) {
    const p = S.player;
    // the lowest safe island in view becomes the rescue ledge; none → a rescue cloud appears
    let best = null;
    for (const e of g.all("island")) {
      if (e.kind === "crumble" || e.falling) continue;
      const sy = e.y - S.camY;
      if (sy < 200 || sy > H - 90) continue;
      if (!best || e.y > best.y) best = e;
    }
    if (!best) best = addIsland(g, W / 2 - 80, S.camY + H - 160, 160, "grass");
    p.x = best.x + best.w / 2 - p.w / 2; p.y = best.y - p.h - 2;
    p.vx = 0; p.vy = 0;
    p.invulnerable = 2.0;
    g.emit("respawn", {x: p.x + p.w / 2, y: p.y + p.h / 2});
  }

  function hurtPlayer(g, src) {
    const p = S.player;
    if (p.invulnerable > 0) return;
    if (!g.hurt(p, 1, src)) return;            // invincibility_frames grants the grace period
    if (g.phase !== "playing") return;
    if (!(p.invulnerable > 0)) p.invulnerable = 1.6;   // in case the module is switched off
    if (!g.has("knockback")) { p.vx = (p.x + p.w / 2 < src.x + src.w / 2 ? -1 : 1) * 380; p.vy = -520; }
    g.fx.burst(p.x + p.w / 2, p.y + p.h / 2, "#ff6b8a", 20);
  }

  // ---------------------------------------------------------------- drawing
  function puff(ctx, x, y, r, color) {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.arc(x + r * 0.9, y + r * 0.15, r * 0.75, 0, Math.PI * 2);
    ctx.arc(x - r * 0.95, y + r * 0.2, r * 0.7, 0, Math.PI * 2);
    ctx.arc(x + r * 0.35, y - r * 0.45, r * 0.65, 0, Math.PI * 2);
    ctx.fill();
  }

  function drawBackground(g, ctx, alt, now) {
    const [top, bottom] = skyColors(alt);
    const sky = ctx.createLinearGradient(0, 0, 0, H);
    sky.addColorStop(0, rgb(top));
    sky.addColorStop(1, rgb(bottom));
    ctx.fillStyle = sky;
    ctx.fillRect(0, 0, W, H);
    const cam = S.camY;
    // stars fade in with altitude
    const starA = Math.max(0, Math.min(1, (alt - 450) / 400));
    if (starA > 0) {
      for (let i = 0; i < 90; i++) {
        const sx = hash(i) * W;
        const sy = ((hash(i + 99) * H * 2 - cam * 0.05) % H + H) % H;
        const tw = 0.5 + 0.5 * Math.sin(now * (1 + hash(i + 7) * 3) + i);
        ctx.fillStyle = `rgba(255,255,240,${starA * (0.3 + 0.7 * tw)})`;
        const s = 1 + hash(i + 3) * 1.6;
        ctx.fillRect(sx, sy, s, s);
      }
    }
    // sun sinks and turns into a moon
    const sunT = Math.max(0, Math.min(1, alt / 800));
    const sunY = 110 + sunT * 330, sunX = 640 - sunT * 60;
    const sunCol = sunT < 0.7 ? `rgba(255,${240 - sunT * 120},${170 - sunT * 120},1)` : "rgba(235,235,255,1)";
    const glow = ctx.createRadialGradient(sunX, sunY, 10, sunX, sunY, 130);
    glow.addColorStop(0, sunT < 0.7 ? "rgba(255,230,160,0.55)" : "rgba(200,210,255,0.35)");
    glow.addColorStop(1, "rgba(255,230,160,0)");
    ctx.fillStyle = glow;
    ctx.fillRect(sunX - 130, sunY - 130, 260, 260);
    ctx.fillStyle = sunCol;
    ctx.beginPath(); ctx.arc(sunX, sunY, 38 - sunT * 12, 0, Math.PI * 2); ctx.fill();
    // far cloud bank (slow parallax)
    for (let layer = 0; layer < 2; layer++) {
      const par = layer === 0 ? 0.12 : 0.3;
      const spacing = layer === 0 ? 170 : 130;
      const a = layer === 0 ? 0.22 : 0.32;
      const off = cam * par;
      const first = Math.floor(off / spacing) - 1;
      for (let k = first; k < first + Math.ceil(H / spacing) + 3; k++) {
        const y = k * spacing - off;
        const seed = k * 13.7 + layer * 101;
        const x = hash(seed) * (W + 200) - 100 + Math.sin(now * 0.05 + seed) * 20;
        const r = (layer === 0 ? 34 : 26) + hash(seed + 1) * 26;
        puff(ctx, x, H - y - 300, r, `rgba(255,255,255,${a * (1 - starA * 0.6)})`);
      }
    }
    // distant floating islets (mid parallax), hazy with the sky colour
    const off2 = cam * 0.45, sp2 = 210;
    const f2 = Math.floor(off2 / sp2) - 1;
    const far = `rgba(${mix(top[0], bottom[0], 0.5) * 0.8 | 0},${mix(top[1], bottom[1], 0.5) * 0.8 | 0},${mix(top[2], bottom[2], 0.5) * 0.85 | 0},0.5)`;
    for (let k = f2; k < f2 + 5; k++) {
      const y = H - (k * sp2 - off2) - 300;
      const x = hash(k * 3.1 + 5) * (W - 80) + 40;
      const s = 14 + hash(k * 1.7) * 16;
      ctx.fillStyle = far;
      ctx.beginPath();
      ctx.ellipse(x, y, s, s * 0.28, 0, Math.PI, 0);
      ctx.lineTo(x + s * 0.7, y + s * 0.25);
      ctx.lineTo(x + s * 0.1, y + s * 0.9);
      ctx.lineTo(x - s * 0.5, y + s * 0.35);
      ctx.lineTo(x - s, y);
      ctx.closePath(); ctx.fill();
      ctx.beginPath(); ctx.arc(x + s * 0.3, y - s * 0.45, s * 0.3, 0, Math.PI * 2); ctx.fill();
    }
  }

  function drawIsland(ctx, e, now) {
    let x = e.x, y = e.y;
    if (e.kind === "crumble" && e.crumbleT >= 0 && !e.falling) x += Math.sin(now * 60) * 1.8;
    const w = e.w;
    if (e.kind === "cloud") {
      const col = "rgba(255,255,255,0.96)";
      ctx.fillStyle = "rgba(120,150,200,0.35)";
      ctx.beginPath(); ctx.ellipse(x + w / 2, y + 20, w * 0.5, 7, 0, 0, Math.PI * 2); ctx.fill();
      const n = Math.max(3, Math.round(w / 28));
      for (let i = 0; i < n; i++) {
        const cx = x + 12 + (i * (w - 24)) / (n - 1);
        const r = 13 + 4 * Math.sin(i * 2.3 + e.seed);
        ctx.fillStyle = col;
        ctx.beginPath(); ctx.arc(cx, y + 10 + Math.sin(now * 2 + i) * 1.2, r, 0, Math.PI * 2); ctx.fill();
      }
      ctx.fillStyle = "rgba(200,220,255,0.8)";
      ctx.fillRect(x + 6, y + 13, w - 12, 8);
      return;
    }
    // rocky underside
    const rock = ctx.createLinearGradient(0, y, 0, y + 46);
    if (e.kind === "crumble") { rock.addColorStop(0, "#a58a6a"); rock.addColorStop(1, "#6a5038"); }
    else { rock.addColorStop(0, "#8a6446"); rock.addColorStop(1, "#4d3426"); }
    ctx.fillStyle = rock;
    ctx.beginPath();
    ctx.moveTo(x, y + 8);
    ctx.lineTo(x + w, y + 8);
    const teeth = Math.max(2, Math.round(w / 30));
    for (let i = teeth; i >= 0; i--) {
      const tx = x + (i / teeth) * w;
      const depth = 14 + 26 * Math.abs(Math.sin(i * 1.9 + e.seed)) * (1 - Math.abs(i / teeth - 0.5));
      ctx.lineTo(tx, y + 8 + depth);
    }
    ctx.closePath();
    ctx.fill();
    if (e.kind === "crumble") {
      ctx.strokeStyle = "rgba(40,20,10,0.7)"; ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x + w * 0.3, y + 4); ctx.lineTo(x + w * 0.36, y + 14); ctx.lineTo(x + w * 0.3, y + 24);
      ctx.moveTo(x + w * 0.7, y + 3); ctx.lineTo(x + w * 0.64, y + 12); ctx.lineTo(x + w * 0.72, y + 20);
      ctx.stroke();
    }
    // grass cap
    const top = e.kind === "crumble" ? ["#c9b27a", "#9c8450"] : ["#7be36b", "#3fae4a"];
    const grass = ctx.createLinearGradient(0, y, 0, y + 12);
    grass.addColorStop(0, top[0]); grass.addColorStop(1, top[1]);
    ctx.fillStyle = grass;
    g_round(ctx, x - 2, y, w + 4, 12, 6); ctx.fill();
    ctx.fillStyle = "rgba(255,255,255,0.35)";
    ctx.fillRect(x + 4, y + 2, w - 8, 2);
    // grass tufts
    if (e.kind !== "crumble") {
      ctx.strokeStyle = "#2f8f3c"; ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let i = 0; i < w / 14; i++) {
        const gx = x + 6 + i * 14 + (e.seed % 7);
        if (gx > x + w - 4) break;
        ctx.moveTo(gx, y + 12); ctx.lineTo(gx - 2, y + 17 + (i % 3));
      }
      ctx.stroke();
    }
    if (e.kind === "spring") {
      const cx = x + w / 2, sq = e.squash || 0;
      ctx.fillStyle = "#f4e9d8";
      ctx.fillRect(cx - 5, y - 10 + sq * 6, 10, 12 - sq * 6);
      ctx.fillStyle = "#ff5f7e";
      ctx.beginPath(); ctx.ellipse(cx, y - 12 + sq * 7, 20 + sq * 4, 12 - sq * 4, 0, Math.PI, 0); ctx.fill();
      ctx.fillStyle = "#fff";
      for (const [dx, dy] of [[-9, -16], [6, -19], [12, -13]]) {
        ctx.beginPath(); ctx.arc(cx + dx, y + dy + sq * 7, 2.6, 0, Math.PI * 2); ctx.fill();
      }
    }
  }

  function g_round(ctx, x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r); ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r); ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  function drawCoin(ctx, c, now) {
    const cx = c.x + c.w / 2, cy = c.y + c.h / 2 + Math.sin(now * 3 + c.spin) * 3;
    const r = c.w / 2;
    const sx = Math.abs(Math.cos(now * 3 + c.spin));
    const gem = c.tags.includes("gem");
    const glow = ctx.createRadialGradient(cx, cy, 1, cx, cy, r * 2.2);
    glow.addColorStop(0, gem ? "rgba(140,255,255,0.5)" : "rgba(255,230,120,0.45)");
    glow.addColorStop(1, "rgba(255,230,120,0)");
    ctx.fillStyle = glow;
    ctx.fillRect(cx - r * 2.2, cy - r * 2.2, r * 4.4, r * 4.4);
    if (gem) {
      ctx.save(); ctx.translate(cx, cy); ctx.scale(0.4 + sx * 0.6, 1);
      ctx.fillStyle = "#5ff2ff";
      ctx.beginPath(); ctx.moveTo(0, -r); ctx.lineTo(r * 0.8, -r * 0.2); ctx.lineTo(0, r); ctx.lineTo(-r * 0.8, -r * 0.2); ctx.closePath(); ctx.fill();
      ctx.fillStyle = "rgba(255,255,255,0.7)";
      ctx.beginPath(); ctx.moveTo(0, -r); ctx.lineTo(r * 0.4, -r * 0.2); ctx.lineTo(0, -r * 0.1); ctx.lineTo(-r * 0.4, -r * 0.2); ctx.closePath(); ctx.fill();
      ctx.restore();
      return;
    }
    ctx.fillStyle = "#e0a81e";
    ctx.beginPath(); ctx.ellipse(cx, cy, r * Math.max(0.15, sx), r, 0, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#ffd84a";
    ctx.beginPath(); ctx.ellipse(cx, cy, r * 0.72 * Math.max(0.12, sx), r * 0.72, 0, 0, Math.PI * 2); ctx.fill();
    ctx.strokeStyle = "rgba(255,255,255,0.75)"; ctx.lineWidth = 1.6;
    ctx.beginPath(); ctx.ellipse(cx, cy, r * 0.5 * Math.max(0.12, sx), r * 0.5, 0, Math.PI * 1.1, Math.PI * 1.6); ctx.stroke();
  }

  function drawThorn(ctx, e, now) {
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    ctx.save();
    ctx.translate(cx, cy);
    ctx.rotate(now * 1.5 * (e.dir || 1));
    ctx.fillStyle = "#5b2a78";
    ctx.beginPath();
    const n = 10;
    for (let i = 0; i < n * 2; i++) {
      const a = (i * Math.PI) / n;
      const r = i % 2 ? 11 : 19;
      ctx.lineTo(Math.cos(a) * r, Math.sin(a) * r);
    }
    ctx.closePath(); ctx.fill();
    ctx.restore();
    const body = ctx.createRadialGradient(cx - 4, cy - 4, 2, cx, cy, 14);
    body.addColorStop(0, "#c06bf0"); body.addColorStop(1, "#6a2c8c");
    ctx.fillStyle = body;
    ctx.beginPath(); ctx.arc(cx, cy, 12, 0, Math.PI * 2); ctx.fill();
    // angry eyes
    ctx.fillStyle = "#fff";
    ctx.beginPath(); ctx.arc(cx - 4.5, cy - 1, 3.4, 0, Math.PI * 2); ctx.arc(cx + 4.5, cy - 1, 3.4, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#200";
    ctx.beginPath(); ctx.arc(cx - 4 + (e.look || 0), cy - 0.5, 1.7, 0, Math.PI * 2); ctx.arc(cx + 5 + (e.look || 0), cy - 0.5, 1.7, 0, Math.PI * 2); ctx.fill();
    ctx.strokeStyle = "#2a0d38"; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx - 8, cy - 6); ctx.lineTo(cx - 2, cy - 4); ctx.moveTo(cx + 8, cy - 6); ctx.lineTo(cx + 2, cy - 4); ctx.stroke();
  }

  function drawWasp(ctx, e, now) {
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const face = e.vx < 0 ? -1 : 1;
    ctx.save();
    ctx.translate(cx, cy);
    ctx.scale(face, 1);
    // wings
    const flap = Math.sin(now * 40) * 0.5 + 0.5;
    ctx.fillStyle = "rgba(220,240,255,0.75)";
    ctx.beginPath(); ctx.ellipse(-2, -10, 9, 5 + flap * 4, -0.4, 0, Math.PI * 2); ctx.fill();
    ctx.beginPath(); ctx.ellipse(5, -10, 8, 4 + flap * 3, 0.4, 0, Math.PI * 2); ctx.fill();
    // striped body
    ctx.fillStyle = "#ffcc2e";
    ctx.beginPath(); ctx.ellipse(0, 0, 15, 10, 0, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#2a1d12";
    ctx.fillRect(-6, -9, 4, 18); ctx.fillRect(2, -9, 4, 18);
    ctx.beginPath(); ctx.moveTo(-14, 0); ctx.lineTo(-21, 2); ctx.lineTo(-14, 4); ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.beginPath(); ctx.arc(10, -2, 3.5, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#000";
    ctx.beginPath(); ctx.arc(11, -2, 1.8, 0, Math.PI * 2); ctx.fill();
    ctx.restore();
  }

  function drawPlayer(ctx, p, now) {
    if (p.invulnerable > 0 && Math.floor(now * 14) % 2 === 0) return;
    const cx = p.x + p.w / 2, by = p.y + p.h;
    // squash & stretch
    const st = Math.max(-0.25, Math.min(0.3, -p.vy / 2600));
    const land = p.landT > 0 ? p.landT / 0.15 : 0;
    const sy = 1 + st - land * 0.22, sx = 1 - st * 0.6 + land * 0.25;
    const face = p.facing || 1;
    // scarf trail
    ctx.strokeStyle = "#ff5f7e"; ctx.lineCap = "round";
    let px = cx, py = by - 20;
    for (let i = 1; i < p.trail.length; i++) {
      const q = p.trail[i];
      const qx = q.x - face * (4 + i * 3), qy = q.y + 2 + Math.sin(now * 12 + i) * 1.5 + i;
      ctx.lineWidth = 6 - i * 0.7;
      ctx.beginPath(); ctx.moveTo(px, py); ctx.lineTo(qx, qy); ctx.stroke();
      px = qx; py = qy;
    }
    ctx.lineCap = "butt";
    ctx.save();
    ctx.translate(cx, by);
    ctx.scale(sx, sy);
    // feet
    const run = p.onGround && Math.abs(p.vx) > 30 ? Math.sin(now * 22) : 0;
    ctx.fillStyle = "#e8863a";
    ctx.beginPath(); ctx.ellipse(-7 + run * 3, -3, 6, 3.5, 0, 0, Math.PI * 2); ctx.fill();
    ctx.beginPath(); ctx.ellipse(7 - run * 3, -3, 6, 3.5, 0, 0, Math.PI * 2); ctx.fill();
    // wings (flap on double jump)
    const flap = p.wingT > 0 ? Math.sin(now * 50) * 0.8 : 0.2;
    ctx.fillStyle = "#eafcff";
    for (const s of [-1, 1]) {
      ctx.save(); ctx.translate(s * 15, -20); ctx.rotate(s * (0.5 + flap));
      ctx.beginPath(); ctx.ellipse(s * 6, 0, 9, 5, 0, 0, Math.PI * 2); ctx.fill();
      ctx.restore();
    }
    // body
    const body = ctx.createRadialGradient(-5, -24, 3, 0, -17, 20);
    body.addColorStop(0, "#7ff0d4"); body.addColorStop(1, "#1f9c8c");
    ctx.fillStyle = body;
    ctx.beginPath(); ctx.ellipse(0, -18, 17, 17, 0, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "rgba(255,255,255,0.35)";
    ctx.beginPath(); ctx.ellipse(-6, -27, 6, 3.5, -0.5, 0, Math.PI * 2); ctx.fill();
    // belly
    ctx.fillStyle = "#d8fff2";
    ctx.beginPath(); ctx.ellipse(face * 3, -11, 9, 6, 0, 0, Math.PI * 2); ctx.fill();
    // eyes
    const blink = Math.sin(now * 0.9) > 0.985 ? 0.15 : 1;
    for (const s of [-1, 1]) {
      const ex = face * 5 + s * 6;
      ctx.fillStyle = "#fff";
      ctx.beginPath(); ctx.ellipse(ex, -22, 4.6, 5.6 * blink, 0, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "#1a2433";
      ctx.beginPath(); ctx.arc(ex + face * 1.6, -21.5 + (p.vy > 200 ? 1.5 : 0), 2.4 * blink, 0, Math.PI * 2); ctx.fill();
    }
    // beak
    ctx.fillStyle = "#ffb340";
    ctx.beginPath(); ctx.moveTo(face * 13, -17); ctx.lineTo(face * 20, -15); ctx.lineTo(face * 13, -12); ctx.closePath(); ctx.fill();
    ctx.restore();
  }

  function drawGloom(ctx, now) {
    const top = H - 70;
    const fog = ctx.createLinearGradient(0, top - 40, 0, H);
    fog.addColorStop(0, "rgba(60,20,80,0)");
    fog.addColorStop(0.5, "rgba(70,25,95,0.55)");
    fog.addColorStop(1, "rgba(30,8,45,0.92)");
    ctx.fillStyle = fog;
    ctx.fillRect(0, top - 40, W, H - top + 40);
    for (let i = 0; i < 9; i++) {
      const x = ((i * 113 + now * (14 + i * 3)) % (W + 160)) - 80;
      const y = H - 18 + Math.sin(now * 1.3 + i) * 8;
      puff(ctx, x, y, 26 + (i % 3) * 8, "rgba(90,40,120,0.35)");
    }
    // glints of eyes in the gloom
    for (let i = 0; i < 3; i++) {
      const a = Math.max(0, Math.sin(now * 0.7 + i * 2.1));
      if (a < 0.6) continue;
      const x = ((i * 277 + 120) % W);
      ctx.fillStyle = `rgba(255,120,200,${(a - 0.6) * 2})`;
      ctx.beginPath(); ctx.arc(x, H - 22, 2.5, 0, Math.PI * 2); ctx.arc(x + 10, H - 22, 2.5, 0, Math.PI * 2); ctx.fill();
    }
  }

  // ---------------------------------------------------------------- the game
  Kit.game({
    title: "Sky Hopper",
    width: W, height: H,
    background: "#5fa8f0",
    controls: ["←/→ or A/D run", "Space / ↑ jump — press again in the air to double jump",
      "Land on red mushrooms to spring high, stomp wasps from above", "Climb before the Gloom rises · R restart"],
    modules: MODULES,
    init(g) {
      S = {camY: 0, genY: START_Y, genX: W / 2 - 60, rows: 0, maxAlt: 0, coins: 0, rise: 0,
        zone: 0, banner: null, bannerT: 0, lastMilestone: 0, stomps: 0, hadGround: false};
      addIsland(g, 0, START_Y, W, "grass");
      S.player = g.add({x: W / 2 - 15, y: START_Y - 40, w: 30, h: 34, tags: ["player"], facing: 1,
        invulnerable: 0, landT: 0, wingT: 0, trail: []});
      generate(g, S.camY - H);
      g.on("double_jump", () => { S.player.wingT = 0.3; });
      g.on("coin", (ev) => {
        const gem = ev.value >= 100;
        S.coins += gem ? 5 : 1;
        if (gem) { g.sfx.play("powerup", {pitch: 1.2}); g.fx.burst(ev.x, ev.y, "#8ff8ff", 22); }
      });
    },
    update(g, dt) {
      const p = S.player;
      const now = g.time;
      // landing squash
      if (p.onGround && !S.hadGround) {
        p.landT = 0.15;
        if (p.ground && p.ground.kind !== "spring") g.fx.burst(p.x + p.w / 2, p.y + p.h, "rgba(255,255,255,0.6)", 5);
      }
      S.hadGround = p.onGround;
      if (p.landT > 0) p.landT -= dt;
      if (p.wingT > 0) p.wingT -= dt;
      if (p.invulnerable > 0) p.invulnerable -= dt;
      // side walls of the tower
      if (p.x < 0) { p.x = 0; p.vx = Math.max(0, p.vx); }
      if (p.x + p.w > W) { p.x = W - p.w; p.vx = Math.min(0, p.vx); }
      // scarf trail
      const head = {x: p.x + p.w / 2 - (p.facing || 1) * 8, y: p.y + p.h - 20};
      if (p.trail.length && Math.hypot(p.trail[0].x - head.x, p.trail[0].y - head.y) > 80) p.trail.length = 0;
      p.trail.unshift(head);
      if (p.trail.length > 6) p.trail.length = 6;

      // standing on special islands
      const gnd = p.onGround ? p.ground : null;
      if (gnd && gnd.kind === "spring") {
        p.vy = -1280; p.onGround = false; p.jumping = false; p.airJumps = 0;
        gnd.squash = 1;
        g.sfx.play("bounce", {pitch: 0.8});
        g.emit("spring", {x: p.x + p.w / 2, y: p.y + p.h});
      }
      if (gnd && gnd.kind === "crumble" && gnd.crumbleT < 0) {
        gnd.crumbleT = 0;
        g.sfx.play("click", {pitch: 0.45});
        g.emit("crumble_start", {});
      }
      for (const e of g.all("island")) {
        if (e.squash > 0) e.squash = Math.max(0, e.squash - dt * 4);
        if (e.kind === "crumble" && e.crumbleT >= 0 && !e.falling) {
          e.crumbleT += dt;
          if (e.crumbleT > 0.55) {
            e.falling = true;
            e.tags = ["debris"];
            g.sfx.play("hit", {pitch: 0.6});
            g.emit("crumble", {x: e.x + e.w / 2, y: e.y + 10});
          }
        }
        if (e.falling) { e.vy += 1400 * dt; e.y += e.vy * dt; }
      }
      for (const e of g.all("debris")) {
        e.vy += 1400 * dt; e.y += e.vy * dt;
        if (e.y > S.camY + H + 100) g.remove(e);
      }

      // coins are collected by the coins module; attached ones ride their cloud
      for (const c of g.all("coin")) {
        if (c.attach) { c.x = c.attach.x + c.offX; c.y = c.attach.y + c.offY; }
      }

      // hazards
      for (const e of g.all("thorn")) {
        e.t += dt * e.speed;
        const nx = e.baseX + Math.sin(e.t) * e.amp;
        e.dir = nx > e.x ? 1 : -1;
        e.x = Math.max(0, Math.min(W - e.w, nx));
        e.y = e.baseY + Math.sin(e.t * 2.1) * 8;
        e.look = Math.max(-1.5, Math.min(1.5, (p.x - e.x) / 80));
        const shrink = {x: e.x + 5, y: e.y + 5, w: e.w - 10, h: e.h - 10};
        if (g.overlap(p, shrink)) hurtPlayer(g, e);
      }
      // wasps are steered toward the player by homing_enemies (within its range); they buzz
      g.difficulty = 1 + 1.5 * difficulty(p.y);
      for (const e of g.all("wasp")) {
        e.t += dt;
        if (!g.has("homing_enemies")) { e.x += Math.sign(p.x - e.x) * 60 * dt; e.y += Math.sign(p.y - e.y) * 60 * dt; }
        e.y += Math.sin(e.t * 7) * 20 * dt;
        const dist = Math.hypot(p.x - e.x, p.y - e.y);
        if (!e.awake && dist < 430) { e.awake = true; g.sfx.play("blip", {pitch: 1.8}); g.emit("wasp_wakes", {}); }
        if (g.overlap(p, e)) {
          // stomp from above
          if (p.vy > 60 && p.y + p.h - e.y < 16) {
            g.remove(e);
            p.vy = -640; p.airJumps = 0;
            S.stomps++;
            g.addScore(50, e.x + e.w / 2, e.y);
            g.sfx.play("explode", {pitch: 1.6});
            g.emit("stomp", {x: e.x + e.w / 2, y: e.y + e.h / 2});
          } else hurtPlayer(g, e);
        }
      }

      // camera follows upward only, and the Gloom keeps rising after the first climb
      const alt = (START_Y - (p.y + p.h)) / PX_PER_M;
      const target = p.y - H * 0.42;
      if (target < S.camY) S.camY += (target - S.camY) * Math.min(1, dt * 5);
      if (S.maxAlt > 25) {
        S.rise = 22 + 60 * difficulty(p.y);
        S.camY -= S.rise * dt;
      }
      // score = best altitude reached (1 point per metre) + pickups
      if (alt > S.maxAlt) {
        const gained = Math.floor(alt) - Math.floor(S.maxAlt);
        S.maxAlt = alt;
        if (gained > 0) g.addScore(gained);
      }
      const z = zoneAt(S.maxAlt);
      if (z !== S.zone) {
        S.zone = z;
        S.banner = ZONES[z].name; S.bannerT = 2.6;
        g.sfx.play("powerup");
        g.emit("zone", {zone: z});
      }
      const ms = Math.floor(S.maxAlt / 100);
      if (ms > S.lastMilestone) {
        S.lastMilestone = ms;
        g.addScore(100, p.x + p.w / 2, p.y - 30);
        g.sfx.play("coin", {pitch: 0.75});
        g.emit("milestone", {m: ms * 100});
      }
      if (S.bannerT > 0) S.bannerT -= dt;

      // falling into the Gloom
      if (p.y > S.camY + H + 10) {
        g.emit("fell", {});
        g.fx.flash("#5a1f7a", 0.3);
        g.loseLife();
        if (g.phase === "playing") respawn(g);
      }

      // world upkeep: generate ahead, drop what sank below the view
      generate(g, S.camY - H * 0.6);
      for (const e of g.entities) {
        if (e === p || e.tags.includes("wasp")) continue;
        if (e.y > S.camY + H + 160) g.remove(e);
      }
      for (const e of g.all("wasp")) if (e.y > S.camY + H + 400) g.remove(e);
    },
    draw(g, ctx) {
      const now = performance.now() / 1000;
      if (!S) return;
      const alt = Math.max(0, S.maxAlt);
      drawBackground(g, ctx, alt, now);
      ctx.save();
      ctx.translate(0, -S.camY);
      for (const e of g.all("island")) drawIsland(ctx, e, now);
      for (const e of g.all("debris")) drawIsland(ctx, e, now);
      for (const c of g.all("coin")) drawCoin(ctx, c, now);
      for (const e of g.all("thorn")) drawThorn(ctx, e, now);
      for (const e of g.all("wasp")) drawWasp(ctx, e, now);
      drawPlayer(ctx, S.player, now);
      ctx.restore();
      drawGloom(ctx, now);
      // leave the camera on: module overlays and the core's particles / floating text are world-space
      ctx.translate(0, -S.camY);
    },
    drawHud(g, ctx) {
      if (!S || g.phase === "title") return;
      const now = performance.now() / 1000;
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      const txt = (s, x, y, size, col, align) => {
        ctx.font = `800 ${size}px system-ui, sans-serif`;
        ctx.textAlign = align || "center";
        ctx.lineWidth = Math.max(3, size / 5); ctx.strokeStyle = "rgba(10,20,40,0.55)";
        ctx.strokeText(s, x, y); ctx.fillStyle = col; ctx.fillText(s, x, y);
      };
      txt(`${Math.floor(S.maxAlt)} m`, W / 2, 26, 28, "#ffffff");
      // coin counter
      ctx.fillStyle = "#ffd84a";
      ctx.beginPath(); ctx.arc(W / 2 - 30, 54, 7, 0, Math.PI * 2); ctx.fill();
      txt(`× ${S.coins}`, W / 2 - 18, 54, 15, "#fff3b0", "left");
      // double-jump pip
      const p = S.player;
      const ready = p.onGround || (p.airJumps || 0) < 1;
      ctx.fillStyle = ready ? "rgba(170,255,240,0.9)" : "rgba(255,255,255,0.2)";
      ctx.beginPath(); ctx.arc(W - 30, 46, 6, 0, Math.PI * 2); ctx.fill();
      ctx.font = "600 11px system-ui, sans-serif"; ctx.textAlign = "right"; ctx.fillStyle = "rgba(255,255,255,0.75)";
      ctx.fillText("air jump", W - 42, 46);
      if (S.bannerT > 0 && g.phase === "playing") {
        const a = Math.min(1, S.bannerT * 1.5, (2.6 - S.bannerT) * 4 + 0.2);
        ctx.globalAlpha = Math.max(0, Math.min(1, a));
        txt(S.banner, W / 2, 150, 40, "#fff6c8");
        ctx.globalAlpha = 1;
      }
      if (g.phase === "playing" && g.time < 3.5) {
        ctx.globalAlpha = Math.min(1, 3.5 - g.time);
        txt("Climb! The Gloom is rising…", W / 2, H - 160, 22, "#f3e8ff");
        ctx.globalAlpha = 1;
      }
      if (g.phase === "over") {
        txt(`Reached ${Math.floor(S.maxAlt)} m · ${S.coins} coins · ${ZONES[S.zone].name}`, W / 2, H * 0.62, 18, "#d8f6ff");
      }
    },
  });
})();
