// Dune Dash — an endless desert sprint from afternoon to starlight. Jump cacti, rocks and sand pits,
// duck under swooping vultures, hop the bouncing tumbleweeds, and scoop up water gems while the
// pace keeps climbing. Three hearts; a mirage shield now and then soaks up one mistake.
(function () {
  "use strict";

  // Module parameters (mirrors game.json "params"); every loaded mechanic module is switched on.
  const PARAMS = {
    gravity: {g: 2700, max_fall: 1500, run_speed: 0, run_accel: 2400},
    jump: {strength: 930, cut: 0.5},
    coyote_time: {seconds: 0.09},
    auto_scroll: {speed: 380, direction: 0, crush: 0, recycle: 0},
    speed_ramp: {rate: 0.016, max: 2.3, cue_every: 0.25},
    distance_score: {per_second: 10, mode: 0, px_per_point: 20, milestone: 500},
    coins: {value: 25, streak_time: 0.6},
    invincibility_frames: {seconds: 1.5},
    shield_powerup: {duration: 14, hits: 1, spawn_every: 0},
    screen_shake: {magnitude: 9, duration: 0.3, events: ["damage", "shield_block"]},
    hit_pause: {seconds: 0.09, events: ["damage"]},
    particles: {amount: 1, colors: {coin: "#7fe9ff", jump: "#f3d9a4", shield_block: "#7fdcff"}},
    floating_text: {texts: {milestone: "{score}!", shield_block: "BLOCKED!", shield_up: "MIRAGE SHIELD!"}, color: "#fff6d8"},
  };
  const MODULES = {};
  for (const m of Kit.modules) MODULES[m.id] = PARAMS[m.id] || {};

  const W = 800, H = 600;
  const GROUND = 470;            // top of the sand
  const PLAYER_X = 150;
  const STAND_H = 54, DUCK_H = 28;
  const PX_PER_M = 32;

  let S = null;

  const hash = (n) => { const s = Math.sin(n * 127.1 + 311.7) * 43758.5453; return s - Math.floor(s); };
  const mix = (a, b, t) => a + (b - a) * t;
  const mixC = (a, b, t) => a.map((v, i) => mix(v, b[i], t));
  const rgb = (c, a) => (a === undefined ? `rgb(${c[0] | 0},${c[1] | 0},${c[2] | 0})` : `rgba(${c[0] | 0},${c[1] | 0},${c[2] | 0},${a})`);

  // the sky cycles with distance: afternoon → dusk → night → dawn
  const SKY = [
    {top: [80, 150, 230], bot: [250, 220, 160], sand: [236, 186, 112], far: [196, 120, 96], sun: 0.0},
    {top: [70, 60, 140], bot: [255, 140, 90], sand: [214, 140, 88], far: [130, 70, 90], sun: 0.45},
    {top: [10, 14, 40], bot: [40, 40, 90], sand: [120, 96, 110], far: [50, 40, 70], sun: 1.0},
    {top: [60, 90, 170], bot: [255, 190, 170], sand: [226, 170, 120], far: [170, 110, 110], sun: -0.2},
  ];
  function skyAt(dist) {
    const cycle = 2400;                       // metres per full day
    const f = ((dist % cycle) / cycle) * SKY.length;
    const i = Math.floor(f), t = f - i;
    const a = SKY[i], b = SKY[(i + 1) % SKY.length];
    const k = t < 0.7 ? 0 : (t - 0.7) / 0.3;   // hold each phase, then blend
    const s = k * k * (3 - 2 * k);
    return {top: mixC(a.top, b.top, s), bot: mixC(a.bot, b.bot, s), sand: mixC(a.sand, b.sand, s),
      far: mixC(a.far, b.far, s), night: i === 2 ? 1 - s : i === 1 ? s : 0, phase: f};
  }

  // ---------------------------------------------------------------- world building
  function addGround(g, x, w) {
    return g.add({x, y: GROUND, w, h: H - GROUND + 40, tags: ["solid", "sand"]});
  }

  function extendGround(g) {
    // keep sand laid out to the right; now and then leave a pit
    let right = -Infinity;
    for (const s of g.all("sand")) right = Math.max(right, s.x + s.w);
    while (right < W + 400) {
      const canPit = S.metres > 60 && S.pitCool <= 0 && Math.random() < 0.35;
      if (canPit) {
        const gap = 100 + Math.random() * 50 + (g.speed - 1) * 60;
        right += gap;
        S.pitCool = 2.5;
        g.add({x: right - gap, y: GROUND + 8, w: gap, h: 10, tags: ["pit"]});
        g.emit("pit", {x: right - gap, w: gap});
        S.nextObstacle = Math.max(S.nextObstacle, right + 260 * g.speed);
      }
      const w = 500 + Math.random() * 500;
      addGround(g, right, w);
      right += w;
    }
  }

  function groundAt(g, x) {
    for (const s of g.all("sand")) if (x >= s.x && x <= s.x + s.w) return s;
    return null;
  }

  function spawnObstacle(g, x) {
    if (!groundAt(g, x) || !groundAt(g, x + 70)) { S.nextObstacle = x + 120; return; }
    const d = Math.min(1, (g.speed - 1) / 1.2);
    const r = Math.random();
    let kind;
    if (S.metres < 40) kind = r < 0.7 ? "cactus" : "rock";
    else if (r < 0.3) kind = "cactus";
    else if (r < 0.45) kind = "rock";
    else if (r < 0.6 + 0.05 * d) kind = "vulture";
    else if (r < 0.75) kind = "tumble";
    else kind = "twin";
    let e;
    if (kind === "cactus") {
      const h = 46 + Math.random() * 28;
      e = g.add({x, y: GROUND - h, w: 26, h, tags: ["hazard", "obstacle"], kind, seed: Math.random() * 9});
    } else if (kind === "twin") {
      e = g.add({x, y: GROUND - 58, w: 62, h: 58, tags: ["hazard", "obstacle"], kind, seed: Math.random() * 9});
    } else if (kind === "rock") {
      e = g.add({x, y: GROUND - 30, w: 46, h: 30, tags: ["hazard", "obstacle"], kind, seed: Math.random() * 9});
    } else if (kind === "vulture") {
      // flies at head height: duck under it (or jump very early)
      const low = Math.random() < 0.75;
      const y = low ? GROUND - 42 - 26 : GROUND - 120;
      e = g.add({x: x + 80, y, w: 44, h: 24, tags: ["hazard", "obstacle"], kind, baseY: y, t: Math.random() * 6,
        glide: 70 + 40 * d});
      g.emit("vulture", {x: e.x, y: e.y});
    } else {
      e = g.add({x: x + 60, y: GROUND - 34 - 60, w: 32, h: 32, tags: ["hazard", "obstacle"], kind, vy: 0, roll: 0,
        hop: 480 + Math.random() * 160});
    }
    g.emit("obstacle", {kind, x: e.x, y: e.y});
    // gap to the next one: a time gap, shrinking a little as the pace rises
    const sp = PARAMS.auto_scroll.speed * g.speed;
    const tgap = (0.8 + Math.random() * 0.75) * (1 - 0.18 * d) + (kind === "twin" ? 0.15 : 0);
    S.nextObstacle = x + Math.max(330, sp * tgap);
    // gems: a small arc over low obstacles, a line along the sand otherwise
    if (Math.random() < 0.45) {
      const over = kind === "cactus" || kind === "rock" || kind === "twin";
      const n = over ? 5 : 4;
      for (let i = 0; i < n; i++) {
        const gx = over ? x + e.w / 2 - 80 + i * 40 : x + 200 + i * 40;
        const gy = over ? GROUND - 110 - Math.sin((i / (n - 1)) * Math.PI) * 60 : GROUND - 34;
        if (!over && S.nextObstacle < gx + 40) break;
        g.add({x: gx - 9, y: gy - 11, w: 18, h: 22, tags: ["coin"], t: Math.random() * 6});
      }
    }
    if (S.metres > 150 && Math.random() < 0.05 && !g.first("shield")) {
      g.add({x: x + 220, y: GROUND - 150, w: 24, h: 24, tags: ["shield"]});
    }
  }

  // ---------------------------------------------------------------- hits
  function hit(g, o) {
    const p = S.player;
    if (!g.hurt(p, 1, o)) return;
    g.fx.burst(p.x + p.w / 2, p.y + p.h / 2, "#ff8a6a", 18);
    if (g.phase === "playing") {
      p.vy = -420; p.onGround = false;
      S.stumble = 0.35;
      g.speed = Math.max(1, g.speed - 0.15);   // a hit costs a little pace
    }
  }

  // ---------------------------------------------------------------- drawing
  function ridge(ctx, baseY, amp, freq, offset, color, seed) {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(0, H);
    for (let x = 0; x <= W + 10; x += 10) {
      const u = (x + offset) * freq;
      const y = baseY - amp * (0.55 * Math.sin(u + seed) + 0.3 * Math.sin(u * 2.3 + seed * 2) + 0.15 * Math.sin(u * 5.1));
      ctx.lineTo(x, y);
    }
    ctx.lineTo(W, H);
    ctx.closePath();
    ctx.fill();
  }

  function mesas(ctx, offset, color, light, scale, baseY, seed) {
    // flat-topped buttes on the horizon, with a sunlit cap and strata lines
    const span = 560 * scale;
    const first = Math.floor(offset / span) - 1;
    for (let k = first; k < first + Math.ceil(W / span) + 3; k++) {
      const x = k * span - offset + hash(k + seed) * 180 * scale;
      const w = (110 + hash(k + 4 + seed) * 150) * scale, h = (34 + hash(k + 9 + seed) * 46) * scale;
      const y = baseY;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x - 34 * scale, y);
      ctx.lineTo(x - 4, y - h * 0.55); ctx.lineTo(x + 6, y - h);
      ctx.lineTo(x + w - 8, y - h); ctx.lineTo(x + w + 4, y - h * 0.6);
      ctx.lineTo(x + w + 44 * scale, y);
      ctx.closePath(); ctx.fill();
      ctx.fillStyle = light;
      ctx.fillRect(x + 6, y - h, w - 14, 3 * scale);
      ctx.fillRect(x + 2, y - h * 0.62, w - 2, 1.5 * scale);
      ctx.fillRect(x - 6, y - h * 0.35, w + 14, 1.5 * scale);
      if (hash(k + 2 + seed) > 0.55) {   // a lone spire
        const sx = x + w + 80 * scale, sh = h * 0.85;
        ctx.fillStyle = color;
        ctx.beginPath(); ctx.moveTo(sx - 12 * scale, y); ctx.lineTo(sx - 5 * scale, y - sh); ctx.lineTo(sx + 5 * scale, y - sh); ctx.lineTo(sx + 12 * scale, y);
        ctx.closePath(); ctx.fill();
        ctx.fillStyle = light; ctx.fillRect(sx - 5 * scale, y - sh, 10 * scale, 2.5 * scale);
      }
    }
  }

  function drawBackdrop(g, ctx, now) {
    const dist = S ? S.metres : 0;
    const sky = skyAt(dist);
    S && (S.sky = sky);
    const scroll = g.scrollX || 0;
    const grad = ctx.createLinearGradient(0, 0, 0, GROUND);
    grad.addColorStop(0, rgb(sky.top)); grad.addColorStop(1, rgb(sky.bot));
    ctx.fillStyle = grad; ctx.fillRect(0, 0, W, GROUND + 2);
    // stars at night
    if (sky.night > 0.02) {
      for (let i = 0; i < 80; i++) {
        const x = (hash(i) * W - scroll * 0.01 + W) % W, y = hash(i + 50) * 300;
        ctx.fillStyle = `rgba(255,255,235,${sky.night * (0.4 + 0.6 * Math.abs(Math.sin(now * 1.5 + i)))})`;
        ctx.fillRect(x, y, 1.5, 1.5);
      }
    }
    // sun by day, moon by night
    const sunY = 120 + Math.min(1, Math.max(0, sky.night * 1.4)) * 260;
    if (sky.night < 0.9) {
      const gl = ctx.createRadialGradient(610, sunY, 10, 610, sunY, 160);
      gl.addColorStop(0, `rgba(255,240,190,${0.7 * (1 - sky.night)})`); gl.addColorStop(1, "rgba(255,200,120,0)");
      ctx.fillStyle = gl; ctx.fillRect(450, sunY - 160, 320, 320);
      ctx.fillStyle = `rgba(255,236,180,${1 - sky.night})`;
      ctx.beginPath(); ctx.arc(610, sunY, 42, 0, Math.PI * 2); ctx.fill();
    }
    if (sky.night > 0.1) {
      ctx.fillStyle = `rgba(235,238,255,${sky.night})`;
      ctx.beginPath(); ctx.arc(200, 110, 26, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = rgb(sky.top, sky.night);
      ctx.beginPath(); ctx.arc(212, 102, 22, 0, Math.PI * 2); ctx.fill();
    }
    // haze: the farther the butte, the more it melts into the sky
    mesas(ctx, scroll * 0.04, rgb(mixC(sky.far, sky.bot, 0.6)), rgb(mixC(sky.bot, [255, 255, 255], 0.2), 0.35), 0.7, GROUND - 52, 40);
    mesas(ctx, scroll * 0.09, rgb(mixC(sky.far, sky.bot, 0.25)), rgb(mixC(sky.bot, [255, 240, 200], 0.3), 0.45), 1, GROUND - 40, 0);
    ridge(ctx, GROUND - 40, 26, 0.006, scroll * 0.25, rgb(mixC(sky.sand, sky.far, 0.55)), 1.3);
    ridge(ctx, GROUND - 12, 18, 0.011, scroll * 0.5, rgb(mixC(sky.sand, sky.far, 0.28)), 4.1);
  }

  function drawGround(g, ctx, now) {
    const sky = S.sky || skyAt(0);
    const scroll = g.scrollX || 0;
    for (const s of g.all("sand")) {
      const x0 = Math.max(-20, s.x), x1 = Math.min(W + 20, s.x + s.w);
      if (x1 <= x0) continue;
      const sand = ctx.createLinearGradient(0, GROUND, 0, H);
      sand.addColorStop(0, rgb(sky.sand)); sand.addColorStop(1, rgb(mixC(sky.sand, [90, 50, 40], 0.5)));
      ctx.fillStyle = sand;
      ctx.fillRect(x0, GROUND, x1 - x0, H - GROUND);
      ctx.fillStyle = "rgba(255,255,255,0.25)";
      ctx.fillRect(x0, GROUND, x1 - x0, 3);
      // wind ripples
      ctx.strokeStyle = "rgba(120,70,40,0.22)"; ctx.lineWidth = 2;
      ctx.beginPath();
      for (let row = 0; row < 5; row++) {
        const y = GROUND + 18 + row * 24;
        const sp = 1 + row * 0.25;
        for (let k = -1; k < 9; k++) {
          const rx = ((k * 130 + row * 47 - scroll * sp) % 1040 + 1040) % 1040 - 120;
          if (rx + 60 < x0 || rx > x1) continue;
          const a = Math.max(x0, rx), b = Math.min(x1, rx + 60 + row * 10);
          ctx.moveTo(a, y); ctx.quadraticCurveTo((a + b) / 2, y - 5, b, y);
        }
      }
      ctx.stroke();
      // pebbles
      for (let k = 0; k < 12; k++) {
        const px = ((hash(k) * 1600 - scroll) % 1600 + 1600) % 1600 - 100;
        if (px < x0 || px > x1) continue;
        ctx.fillStyle = "rgba(110,70,50,0.5)";
        ctx.beginPath(); ctx.ellipse(px, GROUND + 10 + hash(k + 3) * 100, 3 + hash(k + 7) * 3, 2, 0, 0, Math.PI * 2); ctx.fill();
      }
    }
    for (const pit of g.all("pit")) {
      const gr = ctx.createLinearGradient(0, GROUND, 0, H);
      gr.addColorStop(0, "rgba(40,20,20,0.9)"); gr.addColorStop(1, "rgba(10,5,10,1)");
      ctx.fillStyle = gr; ctx.fillRect(pit.x, GROUND, pit.w, H - GROUND);
      ctx.fillStyle = rgb(mixC(sky.sand, [60, 30, 20], 0.45));
      ctx.fillRect(pit.x - 3, GROUND, 4, H - GROUND); ctx.fillRect(pit.x + pit.w - 1, GROUND, 4, H - GROUND);
      // trickling sand
      ctx.fillStyle = rgb(sky.sand, 0.6);
      for (let i = 0; i < 6; i++) {
        const y = GROUND + ((now * 120 + i * 23) % 120);
        ctx.fillRect(pit.x + 4 + (i % 2) * 2, y, 2, 6);
        ctx.fillRect(pit.x + pit.w - 7 - (i % 2) * 2, y + 11, 2, 6);
      }
    }
  }

  function drawCactus(ctx, x, y, w, h, seed) {
    const body = ctx.createLinearGradient(x, 0, x + w, 0);
    body.addColorStop(0, "#2f8a4a"); body.addColorStop(0.5, "#4fbf6a"); body.addColorStop(1, "#256e3a");
    ctx.fillStyle = body;
    const r = w / 2;
    ctx.beginPath();
    ctx.moveTo(x, y + h); ctx.lineTo(x, y + r); ctx.arc(x + r, y + r, r, Math.PI, 0); ctx.lineTo(x + w, y + h); ctx.closePath(); ctx.fill();
    // arms
    const armY = y + h * (0.35 + (seed % 1) * 0.2);
    ctx.beginPath();
    ctx.moveTo(x, armY + 10); ctx.lineTo(x - 10, armY + 10); ctx.lineTo(x - 10, armY - 12);
    ctx.arc(x - 5, armY - 12, 5, Math.PI, 0); ctx.lineTo(x, armY); ctx.closePath(); ctx.fill();
    const armY2 = y + h * (0.2 + ((seed * 7) % 1) * 0.25);
    ctx.beginPath();
    ctx.moveTo(x + w, armY2 + 12); ctx.lineTo(x + w + 10, armY2 + 12); ctx.lineTo(x + w + 10, armY2 - 8);
    ctx.arc(x + w + 5, armY2 - 8, 5, Math.PI, 0); ctx.lineTo(x + w, armY2 + 2); ctx.closePath(); ctx.fill();
    // ribs & spines
    ctx.strokeStyle = "rgba(20,60,30,0.5)"; ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.moveTo(x + r, y + 4); ctx.lineTo(x + r, y + h); ctx.stroke();
    ctx.strokeStyle = "rgba(255,255,220,0.8)"; ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i < h / 10; i++) {
      const sy = y + 8 + i * 10;
      ctx.moveTo(x, sy); ctx.lineTo(x - 3, sy - 2);
      ctx.moveTo(x + w, sy + 5); ctx.lineTo(x + w + 3, sy + 3);
    }
    ctx.stroke();
    if (seed % 3 < 1) { ctx.fillStyle = "#ff6fa0"; ctx.beginPath(); ctx.arc(x + r, y + 2, 3.5, 0, Math.PI * 2); ctx.fill(); }
  }

  function drawObstacle(ctx, o, now) {
    if (o.kind === "cactus") drawCactus(ctx, o.x, o.y, o.w, o.h, o.seed);
    else if (o.kind === "twin") {
      drawCactus(ctx, o.x, o.y + 10, 24, o.h - 10, o.seed);
      drawCactus(ctx, o.x + 38, o.y, 24, o.h, o.seed + 1.5);
    } else if (o.kind === "rock") {
      const gr = ctx.createLinearGradient(0, o.y, 0, o.y + o.h);
      gr.addColorStop(0, "#b07a5a"); gr.addColorStop(1, "#6b4433");
      ctx.fillStyle = gr;
      ctx.beginPath();
      ctx.moveTo(o.x, o.y + o.h); ctx.lineTo(o.x + 4, o.y + 10); ctx.lineTo(o.x + 16, o.y); ctx.lineTo(o.x + 34, o.y + 3);
      ctx.lineTo(o.x + o.w, o.y + 16); ctx.lineTo(o.x + o.w, o.y + o.h); ctx.closePath(); ctx.fill();
      ctx.fillStyle = "rgba(255,230,200,0.25)";
      ctx.beginPath(); ctx.moveTo(o.x + 6, o.y + 10); ctx.lineTo(o.x + 16, o.y + 2); ctx.lineTo(o.x + 26, o.y + 4); ctx.lineTo(o.x + 12, o.y + 12); ctx.closePath(); ctx.fill();
    } else if (o.kind === "vulture") {
      const cx = o.x + o.w / 2, cy = o.y + o.h / 2;
      const flap = Math.sin(now * 12 + o.t);
      // shadow on the sand tells you the height
      ctx.fillStyle = "rgba(60,30,20,0.25)";
      ctx.beginPath(); ctx.ellipse(cx, GROUND + 4, 22, 4, 0, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "#3b2a2a";
      ctx.beginPath();
      ctx.moveTo(cx - 4, cy); ctx.quadraticCurveTo(cx - 16, cy - 18 * flap, cx - 30, cy - 10 * flap - 2);
      ctx.lineTo(cx - 8, cy + 4); ctx.closePath(); ctx.fill();
      ctx.beginPath();
      ctx.moveTo(cx + 4, cy); ctx.quadraticCurveTo(cx + 10, cy - 18 * flap, cx + 22, cy - 10 * flap - 2);
      ctx.lineTo(cx + 6, cy + 4); ctx.closePath(); ctx.fill();
      ctx.fillStyle = "#5a3f3a";
      ctx.beginPath(); ctx.ellipse(cx, cy + 2, 16, 8, 0, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "#f1d6c0";
      ctx.beginPath(); ctx.arc(cx - 16, cy - 2, 5, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "#e8a23a";
      ctx.beginPath(); ctx.moveTo(cx - 20, cy - 3); ctx.lineTo(cx - 27, cy); ctx.lineTo(cx - 20, cy + 1); ctx.closePath(); ctx.fill();
      ctx.fillStyle = "#000"; ctx.fillRect(cx - 18, cy - 4, 2, 2);
    } else if (o.kind === "tumble") {
      const cx = o.x + o.w / 2, cy = o.y + o.h / 2;
      ctx.fillStyle = "rgba(60,30,20,0.2)";
      ctx.beginPath(); ctx.ellipse(cx, GROUND + 3, 14, 3, 0, 0, Math.PI * 2); ctx.fill();
      ctx.save(); ctx.translate(cx, cy); ctx.rotate(o.roll);
      ctx.strokeStyle = "#a8814a"; ctx.lineWidth = 1.6;
      for (let i = 0; i < 7; i++) {
        ctx.beginPath();
        ctx.ellipse(0, 0, 16, 7 + (i % 3) * 3, (i * Math.PI) / 7, 0, Math.PI * 2);
        ctx.stroke();
      }
      ctx.strokeStyle = "#7a5a30";
      ctx.beginPath(); ctx.arc(0, 0, 15, 0, Math.PI * 2); ctx.stroke();
      ctx.restore();
    }
  }

  function drawGem(ctx, c, now) {
    const cx = c.x + c.w / 2, cy = c.y + c.h / 2 + Math.sin(now * 4 + c.t) * 3;
    const gl = ctx.createRadialGradient(cx, cy, 1, cx, cy, 18);
    gl.addColorStop(0, "rgba(127,233,255,0.55)"); gl.addColorStop(1, "rgba(127,233,255,0)");
    ctx.fillStyle = gl; ctx.fillRect(cx - 18, cy - 18, 36, 36);
    const sx = 0.55 + 0.45 * Math.abs(Math.cos(now * 3 + c.t));
    ctx.save(); ctx.translate(cx, cy); ctx.scale(sx, 1);
    ctx.fillStyle = "#3fc8ff";
    ctx.beginPath(); ctx.moveTo(0, -11); ctx.quadraticCurveTo(9, 0, 7, 5); ctx.arc(0, 5, 7, 0, Math.PI); ctx.quadraticCurveTo(-9, 0, 0, -11); ctx.fill();
    ctx.fillStyle = "rgba(255,255,255,0.75)";
    ctx.beginPath(); ctx.ellipse(-2.5, 2, 2, 3.5, 0.3, 0, Math.PI * 2); ctx.fill();
    ctx.restore();
  }

  function drawRunner(ctx, p, now) {
    if (p.blink) return;
    const ducking = p.ducking;
    const bx = p.x + p.w / 2, by = p.y + p.h;
    const phase = S.runPhase;
    const air = !p.onGround;
    ctx.save();
    ctx.translate(bx, by);
    if (S.stumble > 0) ctx.rotate(-S.stumble * 0.8);
    // scarf streaming behind
    ctx.strokeStyle = "#e0473a"; ctx.lineCap = "round";
    const sY = ducking ? -20 : -44;
    let qx = -2, qy = sY;
    for (let i = 1; i <= 6; i++) {
      const nx = -2 - i * 7, ny = sY + Math.sin(now * 14 - i * 0.9) * (2 + i * 0.9) + (air ? -p.vy * 0.004 * i : 0) + i * 0.8;
      ctx.lineWidth = 5 - i * 0.55;
      ctx.beginPath(); ctx.moveTo(qx, qy); ctx.lineTo(nx, ny); ctx.stroke();
      qx = nx; qy = ny;
    }
    ctx.lineCap = "butt";
    if (ducking) {
      // sliding low, one leg forward, dust behind
      ctx.fillStyle = "#2d5d7c";
      ctx.beginPath(); ctx.ellipse(0, -13, 17, 10, -0.15, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "#3b2b24"; ctx.lineWidth = 5; ctx.lineCap = "round";
      ctx.beginPath(); ctx.moveTo(6, -8); ctx.lineTo(20, -3); ctx.moveTo(-4, -6); ctx.lineTo(-12, -2); ctx.stroke();
      ctx.fillStyle = "#f2c79a";
      ctx.beginPath(); ctx.arc(13, -22, 7.5, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "#e9e2d0";
      ctx.beginPath(); ctx.arc(12, -24, 8, Math.PI * 0.9, Math.PI * 2.05); ctx.fill();
      ctx.lineCap = "butt";
      ctx.restore();
      return;
    }
    // legs
    const swing = air ? 0.7 : Math.sin(phase);
    const leg = (ang, col) => {
      ctx.strokeStyle = col; ctx.lineWidth = 5; ctx.lineCap = "round";
      const kx = Math.sin(ang) * 10, ky = -18 + Math.cos(ang) * 8;
      const fx = kx + Math.sin(ang - 0.9) * 10, fy = Math.min(0, ky + 12);
      ctx.beginPath(); ctx.moveTo(0, -24); ctx.lineTo(kx, ky); ctx.lineTo(fx, fy); ctx.stroke();
    };
    leg(air ? 0.9 : swing * 0.9, "#2b1f1a");
    leg(air ? -0.4 : -swing * 0.9, "#3b2b24");
    // cloak body
    const cloak = ctx.createLinearGradient(0, -50, 0, -20);
    cloak.addColorStop(0, "#3f7fa6"); cloak.addColorStop(1, "#2d5d7c");
    ctx.fillStyle = cloak;
    ctx.beginPath();
    ctx.moveTo(-9, -46); ctx.lineTo(9, -46); ctx.lineTo(12, -22); ctx.lineTo(-12 - (air ? 4 : 2 * Math.abs(swing)), -20);
    ctx.closePath(); ctx.fill();
    // pack
    ctx.fillStyle = "#a86b3c";
    ctx.fillRect(-15, -44, 7, 16);
    // arm
    ctx.strokeStyle = "#f2c79a"; ctx.lineWidth = 4; ctx.lineCap = "round";
    ctx.beginPath(); ctx.moveTo(2, -40); ctx.lineTo(2 - swing * 9, -30); ctx.stroke();
    ctx.lineCap = "butt";
    // head + wrap
    ctx.fillStyle = "#f2c79a";
    ctx.beginPath(); ctx.arc(3, -53, 8, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#e9e2d0";
    ctx.beginPath(); ctx.arc(2, -55, 8.5, Math.PI * 0.85, Math.PI * 2.1); ctx.fill();
    ctx.fillStyle = "#1e1a22";
    ctx.fillRect(6, -54, 2.5, 2.5);
    ctx.restore();
  }

  // ---------------------------------------------------------------- the game
  Kit.game({
    title: "Dune Dash",
    width: W, height: H,
    background: "#f0b878",
    controls: ["Space / ↑ / click jump (hold for height)", "↓ duck & slide — in the air: drop fast",
      "Jump cacti, rocks & pits · duck the vultures", "Grab water gems · R restart"],
    modules: MODULES,
    init(g) {
      S = {metres: 0, nextObstacle: 900, pitCool: 4, runPhase: 0, stumble: 0, dust: [], sky: null, gems: 0,
        wasGround: true, nearMiss: 0};
      addGround(g, -50, 1400);
      S.player = g.add({x: PLAYER_X, y: GROUND - STAND_H, w: 30, h: STAND_H, tags: ["player"], facing: 1});
      g.on("coin", () => { S.gems++; });
      g.on("jump", () => { S.jumps = (S.jumps || 0) + 1; });
    },
    update(g, dt) {
      const p = S.player;
      S.metres = (g.scrollX || 0) / PX_PER_M;
      // world upkeep
      extendGround(g);
      S.pitCool -= dt;
      // nextObstacle is in world-space x that scrolls too
      S.nextObstacle -= PARAMS.auto_scroll.speed * g.speed * dt * (g.has("auto_scroll") ? 1 : 0);
      if (S.nextObstacle < W + 60) spawnObstacle(g, W + 60);
      if (!g.has("auto_scroll")) for (const e of g.entities) if (e !== p) e.x -= 380 * g.speed * dt;

      // the runner holds its lane; a shove from a pit wall is slowly recovered
      p.vx = (PLAYER_X - p.x) * 3;
      // duck / fast fall
      const down = g.input.down("down");
      if (down && p.onGround && !p.ducking) {
        p.ducking = true; p.y += STAND_H - DUCK_H; p.h = DUCK_H;
        g.sfx.play("click", {pitch: 0.6});
        g.emit("duck", {});
      } else if ((!down || !p.onGround) && p.ducking) {
        p.ducking = false; p.y -= STAND_H - DUCK_H; p.h = STAND_H;
      }
      if (down && !p.onGround) p.vy += 3200 * dt;
      // click / tap to jump (the jump module reads Space / ↑)
      if (g.input.pointer.pressed && p.onGround) {
        p.vy = -PARAMS.jump.strength; p.onGround = false; p.jumping = true; p.jumpFrame = g.frame;
        g.sfx.play("jump");
        g.emit("jump", {x: p.x + p.w / 2, y: p.y + p.h, e: p});
      }
      if (p.jumping && g.input.pointer.released && p.vy < 0) { p.vy *= 0.5; p.jumping = false; }
      // landing puff
      if (p.onGround && !S.wasGround) {
        g.fx.burst(p.x + p.w / 2, GROUND, "#f3d9a4", 6);
        g.sfx.play("bounce", {pitch: 0.5});
      }
      S.wasGround = p.onGround;
      S.runPhase += dt * (10 + 6 * g.speed);
      if (S.stumble > 0) S.stumble -= dt;
      // kicked-up dust
      if (p.onGround && Math.random() < 0.5 * g.speed) {
        S.dust.push({x: p.x + 4, y: GROUND - 2, vx: -60 - Math.random() * 80, vy: -30 - Math.random() * 40, life: 0.5,
          r: 2 + Math.random() * (p.ducking ? 5 : 3)});
      }
      for (const d of S.dust) { d.x += (d.vx - PARAMS.auto_scroll.speed * g.speed * 0.5) * dt; d.y += d.vy * dt; d.vy += 60 * dt; d.life -= dt; }
      S.dust = S.dust.filter((d) => d.life > 0);

      // obstacles with a little life of their own
      for (const o of g.all("obstacle")) {
        if (o.kind === "vulture") {
          o.t += dt;
          o.x -= o.glide * dt;
          o.y = o.baseY + Math.sin(o.t * 3) * 5;
          if (!o.cawed && o.x < W - 40) { o.cawed = true; g.sfx.play("blip", {pitch: 0.45}); }
        } else if (o.kind === "tumble") {
          o.x -= 90 * dt;
          o.vy += 1600 * dt; o.y += o.vy * dt;
          o.roll -= dt * 9;
          if (o.y + o.h > GROUND) { o.y = GROUND - o.h; o.vy = -o.hop; }
        }
        // fair hitboxes: a few pixels of grace on every side
        const box = {x: o.x + 5, y: o.y + 5, w: o.w - 10, h: o.h - 6};
        if (g.overlap(p, box)) hit(g, o);
        else if (!o.passed && o.x + o.w < p.x) {
          o.passed = true;
          g.emit("obstacle_passed", {kind: o.kind});
          // a close shave pays
          if (Math.abs(p.y + p.h - o.y) < 22 || (o.kind === "vulture" && p.ducking)) {
            g.addScore(20, p.x + p.w / 2, p.y - 16);
            g.sfx.play("coin", {pitch: 0.7});
            g.emit("near_miss", {x: p.x + p.w / 2, y: p.y});
          }
        }
        if (o.x + o.w < -100) o.dead = true;
      }
      for (const c of g.all("coin")) c.t += dt;
      for (const e of g.all("pit")) if (e.x + e.w < -50) e.dead = true;

      // fell into a sand pit
      if (p.y > GROUND + 70) {
        g.emit("fell", {});
        g.sfx.play("explode", {pitch: 0.7});
        const had = g.lives;
        g.loseLife();
        if (g.phase === "playing" && g.lives < had) {
          // climb back out onto a patch of sand laid over the pit
          for (const pit of g.all("pit")) if (pit.x < PLAYER_X + 380) pit.dead = true;
          addGround(g, -40, PLAYER_X + 420);
          p.y = GROUND - p.h - 40; p.vy = -300;
          p.invulnerable = Math.max(p.invulnerable || 0, 1.5);
        }
      }
    },
    draw(g, ctx) {
      const now = performance.now() / 1000;
      if (!S) return;
      drawBackdrop(g, ctx, now);
      drawGround(g, ctx, now);
      for (const c of g.all("coin")) drawGem(ctx, c, now);
      for (const o of g.all("obstacle")) drawObstacle(ctx, o, now);
      // dust
      for (const d of S.dust) {
        ctx.fillStyle = `rgba(240,210,160,${d.life * 1.2})`;
        ctx.beginPath(); ctx.arc(d.x, d.y, d.r, 0, Math.PI * 2); ctx.fill();
      }
      // runner shadow + runner
      const p = S.player;
      const sh = Math.max(0.3, 1 - (GROUND - (p.y + p.h)) / 200);
      if (groundAt(g, p.x + p.w / 2)) {
        ctx.fillStyle = `rgba(70,40,20,${0.3 * sh})`;
        ctx.beginPath(); ctx.ellipse(p.x + p.w / 2, GROUND + 2, 16 * sh, 4 * sh, 0, 0, Math.PI * 2); ctx.fill();
      }
      drawRunner(ctx, p, now);
      // moonlight: cool the whole scene down at night
      const night = S.sky ? S.sky.night : 0;
      if (night > 0.02) {
        const nv = ctx.createLinearGradient(0, 200, 0, H);
        nv.addColorStop(0, `rgba(20,24,70,${night * 0.12})`);
        nv.addColorStop(1, `rgba(20,24,70,${night * 0.38})`);
        ctx.fillStyle = nv; ctx.fillRect(0, 200, W, H - 200);
      }
      // speed streaks when fast
      const fast = Math.max(0, (g.speed || 1) - 1.3);
      if (fast > 0) {
        ctx.strokeStyle = `rgba(255,250,235,${Math.min(0.35, fast * 0.35)})`; ctx.lineWidth = 1.5;
        ctx.beginPath();
        for (let i = 0; i < 10; i++) {
          const y = 60 + hash(i) * (GROUND - 80);
          const x = W - ((now * 900 * g.speed + hash(i + 5) * W) % (W + 200));
          ctx.moveTo(x, y); ctx.lineTo(x + 40 + fast * 60, y);
        }
        ctx.stroke();
      }
    },
    drawHud(g, ctx) {
      if (!S || g.phase === "title") return;
      const txt = (s, x, y, size, col, align) => {
        ctx.font = `800 ${size}px system-ui, sans-serif`;
        ctx.textAlign = align || "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
        ctx.lineWidth = Math.max(3, size / 5); ctx.strokeStyle = "rgba(60,30,20,0.5)";
        ctx.strokeText(s, x, y); ctx.fillStyle = col; ctx.fillText(s, x, y);
      };
      txt(`${Math.floor(S.metres)} m`, W / 2, 26, 28, "#fff8e8");
      // pace gauge
      const sp = g.speed || 1, max = PARAMS.speed_ramp.max;
      const k = Math.max(0, Math.min(1, (sp - 1) / (max - 1)));
      ctx.fillStyle = "rgba(60,30,20,0.45)"; g.roundRect(ctx, W / 2 - 60, 46, 120, 8, 4); ctx.fill();
      const grd = ctx.createLinearGradient(W / 2 - 60, 0, W / 2 + 60, 0);
      grd.addColorStop(0, "#ffe08a"); grd.addColorStop(1, "#ff5a3a");
      ctx.fillStyle = grd; g.roundRect(ctx, W / 2 - 60, 46, Math.max(8, 120 * k), 8, 4); ctx.fill();
      txt(`pace ×${sp.toFixed(2)}`, W / 2, 66, 11, "#fff1d6");
      // gems
      ctx.fillStyle = "#3fc8ff";
      ctx.beginPath(); ctx.arc(W - 92, 48, 6, 0, Math.PI * 2); ctx.fill();
      txt(`${S.gems}`, W - 80, 48, 15, "#dff8ff", "left");
      if (g.phase === "playing" && g.time < 3) {
        ctx.globalAlpha = Math.min(1, 3 - g.time);
        txt("Space to jump · ↓ to duck", W / 2, 150, 22, "#fff8e8");
        ctx.globalAlpha = 1;
      }
      if (g.phase === "over") txt(`${Math.floor(S.metres)} m across the dunes · ${S.gems} gems`, W / 2, H * 0.62, 18, "#fff1d6");
    },
  });
})();
