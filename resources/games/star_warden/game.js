// Star Warden — hold the line above the last star. Waves of drones, darts, gunships and burst-orbs
// pour in; every fifth wave the Eclipse mothership arrives. Chain kills for combos, grab spread /
// rapid-fire / shield / life pods, and survive as long as you can.
(function () {
  "use strict";

  // Module parameters (mirrors game.json "params"); every loaded mechanic module is switched on.
  const PARAMS = {
    top_down_move: {speed: 360, accel: 16, keep_inside: 1},
    shoot: {button: 0, direction: 0, speed: 900, rate: 7, spread: 1, damage: 1, points: 0},
    enemy_bullets: {interval: 2.2, speed: 250, aim: 1, max: 140},
    invincibility_frames: {seconds: 2.2},
    shield_powerup: {duration: 12, hits: 2, spawn_every: 0},
    combo_score: {window: 1.6, step: 0.25, max: 3},
    hit_pause: {seconds: 0.08, events: ["life_lost", "boss_defeated"]},
    particles: {amount: 1, colors: {shield_block: "#7fdcff", powerup: "#ffffff", wave_clear: "#9fd8ff"}},
    floating_text: {texts: {shield_block: "BLOCKED!", boss_defeated: "ECLIPSE DOWN!"}, color: "#ffe6a8"},
  };
  const MODULES = {};
  for (const m of Kit.modules) MODULES[m.id] = PARAMS[m.id] || {};

  const W = 800, H = 600;
  const TYPES = {
    drone: {w: 34, h: 28, hp: 1, points: 100, color: "#7cf3ff"},
    dart: {w: 26, h: 34, hp: 1, points: 150, color: "#ff9a4a"},
    orb: {w: 34, h: 34, hp: 3, points: 200, color: "#c77dff"},
    gunship: {w: 64, h: 40, hp: 6, points: 400, color: "#ff5d8f"},
    boss: {w: 220, h: 110, hp: 90, points: 5000, color: "#ffcf5c"},
  };
  const POWERS = {
    spread: {color: "#ffb347", label: "S", name: "SPREAD"},
    rapid: {color: "#59f3a6", label: "R", name: "RAPID"},
    shield: {color: "#7fdcff", label: "", name: "SHIELD"},
    life: {color: "#ff4d6d", label: "", name: "+1 SHIP"},
  };

  let S = null;

  // ---------------------------------------------------------------- starfield & nebulae (built once)
  const STARS = [];
  for (let layer = 0; layer < 3; layer++) {
    for (let i = 0; i < 60 + layer * 20; i++) {
      STARS.push({x: Math.random() * W, y: Math.random() * H, layer, tw: Math.random() * 6,
        s: layer === 2 ? 0.8 : layer === 1 ? 1.3 : 2, v: [120, 60, 25][layer]});
    }
  }
  const NEBULAE = [
    {x: 160, y: 120, r: 280, c: "rgba(120,60,200,0.34)", v: 8},
    {x: 640, y: 380, r: 320, c: "rgba(40,120,210,0.28)", v: 6},
    {x: 380, y: -200, r: 260, c: "rgba(220,70,140,0.24)", v: 10},
  ];

  // ---------------------------------------------------------------- waves
  function waveText(n) {
    if (n % 5 === 0) return "THE ECLIPSE APPROACHES";
    const lines = ["Drones on the horizon", "Darts diving in", "Gunships inbound", "Burst-orbs drifting",
      "Mixed squadron", "Heavy traffic", "They keep coming"];
    return lines[Math.min(lines.length - 1, n - 1)];
  }

  function buildWave(n) {
    const plan = [];
    if (n % 5 === 0) { plan.push({at: 1.5, kind: "boss"}); return plan; }
    const groups = Math.min(7, 2 + Math.floor(n * 0.7));
    let t = 1.2;
    for (let i = 0; i < groups; i++) {
      const pool = ["drones"];
      if (n >= 2) pool.push("darts");
      if (n >= 3) pool.push("gunship");
      if (n >= 4) pool.push("orbs");
      if (n >= 6) pool.push("drones", "darts");
      let kind = pool[Math.floor(Math.random() * pool.length)];
      if (i === 0) kind = n === 2 ? "darts" : n === 3 ? "gunship" : n === 4 ? "orbs" : "drones";
      plan.push({at: t, kind});
      t += Math.max(1.1, 2.8 - n * 0.12) + (kind === "gunship" ? 1 : 0);
    }
    return plan;
  }

  function addEnemy(g, type, x, y, extra) {
    const T = TYPES[type];
    const e = g.add(Object.assign({x, y, w: T.w, h: T.h, tags: ["enemy", type], type, color: T.color,
      points: T.points, t: 0, flash: 0, fireT: Infinity}, extra || {}));
    const hp = Math.round(T.hp * (type === "boss" ? 1 + (S.wave / 5 - 1) * 0.5 : 1 + (S.wave - 1) * 0.06));
    if (hp > 1) { e.hp = hp; e.maxHp = hp; }
    return e;
  }

  function spawnGroup(g, kind) {
    const n = S.wave;
    if (kind === "drones") {
      const count = 5 + Math.min(4, Math.floor(n / 2));
      const fromLeft = Math.random() < 0.5;
      const x0 = fromLeft ? 120 + Math.random() * 120 : W - 240 - Math.random() * 120;
      const shooters = n >= 5 ? 2 : n >= 3 ? 1 : 0;
      for (let i = 0; i < count; i++) {
        addEnemy(g, "drone", x0, -40, {delay: i * 0.28, x0, dir: fromLeft ? 1 : -1, speed: 150 + n * 6,
          amp: 180 + Math.random() * 60, fireT: i < shooters ? undefined : Infinity});
      }
    } else if (kind === "darts") {
      const count = 3 + Math.min(4, Math.floor(n / 2));
      for (let i = 0; i < count; i++) {
        addEnemy(g, "dart", 60 + Math.random() * (W - 120), -50, {delay: i * 0.45, state: "wait"});
      }
    } else if (kind === "gunship") {
      const count = n >= 7 ? 2 : 1;
      for (let i = 0; i < count; i++) {
        const x = count === 1 ? W / 2 - 32 : 180 + i * 380;
        addEnemy(g, "gunship", x, -60, {homeY: 80 + Math.random() * 70, x0: x, stay: 8 + Math.random() * 3, fireT: undefined});
      }
    } else if (kind === "orbs") {
      const count = 3 + Math.min(3, Math.floor((n - 3) / 2));
      for (let i = 0; i < count; i++) {
        addEnemy(g, "orb", 80 + ((i + 0.5) / count) * (W - 160) - 17, -50 - i * 60, {x0: 80 + ((i + 0.5) / count) * (W - 160) - 17});
      }
    } else if (kind === "boss") {
      const b = addEnemy(g, "boss", W / 2 - 110, -140, {pattern: 0, patT: 0, shotT: 0, spin: 0});
      S.boss = b;
      g.sfx.play("explode", {pitch: 0.4});
      g.emit("boss", {wave: n});
    }
    g.emit("group", {kind});
  }

  function startWave(g, n) {
    S.wave = n;
    S.plan = buildWave(n);
    S.waveT = 0;
    S.clearT = -1;
    S.hitThisWave = false;
    S.banner = {title: n % 5 === 0 ? "WARNING" : `WAVE ${n}`, sub: waveText(n), t: 2.6, boss: n % 5 === 0};
    g.difficulty = 1 + (n - 1) * 0.1;
    g.sfx.play(n % 5 === 0 ? "explode" : "start", {pitch: n % 5 === 0 ? 0.5 : 1.2});
    g.emit("wave", {wave: n});
  }

  // ---------------------------------------------------------------- effects
  function explode(g, x, y, color, size) {
    S.rings.push({x, y, r: 4, max: 30 + size * 40, life: 0.45, t: 0, color});
    g.fx.burst(x, y, color, 10 + size * 10);
    g.fx.burst(x, y, "#fff4c2", 6 + size * 4);
    for (let i = 0; i < 4 + size * 3; i++) {
      S.debris.push({x, y, vx: (Math.random() * 2 - 1) * 220 * (1 + size * 0.3), vy: (Math.random() * 2 - 1) * 220,
        rot: Math.random() * 6, vr: (Math.random() * 2 - 1) * 12, life: 0.6 + Math.random() * 0.6, color});
    }
    g.fx.shake(3 + size * 3, 0.15 + size * 0.1);
  }

  function dropPower(g, x, y, kind) {
    if (!kind) {
      const r = Math.random();
      kind = r < 0.38 ? "spread" : r < 0.72 ? "rapid" : r < 0.92 ? "shield" : "life";
    }
    const tags = kind === "shield" ? ["shield", "pod"] : ["pickup", "pod"];
    g.add({x: x - 12, y: y - 12, w: 24, h: 24, tags, power: kind, t: Math.random() * 6, color: POWERS[kind].color});
  }

  function radial(g, x, y, count, speed, offset) {
    for (let i = 0; i < count; i++) {
      const a = offset + (i / count) * Math.PI * 2;
      enemyBullet(g, x, y, Math.cos(a) * speed, Math.sin(a) * speed);
    }
  }
  function enemyBullet(g, x, y, vx, vy) {
    if (g.all("enemy_bullet").length > 160) return;
    // shaped like enemy_bullets' own shots so that module moves, draws and lands them
    g.add({x: x - 4, y: y - 4, w: 8, h: 8, vx, vy, tags: ["enemy_bullet"], kit: "enemy_bullets", color: "#ff5d8f"});
  }
  function aimedFan(g, x, y, count, speed, spreadA) {
    const p = S.player;
    const base = Math.atan2(p.y + p.h / 2 - y, p.x + p.w / 2 - x);
    for (let i = 0; i < count; i++) {
      const a = base + (i - (count - 1) / 2) * spreadA;
      enemyBullet(g, x, y, Math.cos(a) * speed, Math.sin(a) * speed);
    }
  }

  // ---------------------------------------------------------------- enemy behaviour
  function updateEnemy(g, e, dt) {
    if (e.delay > 0) { e.delay -= dt; e.y = -60; return; }
    e.t += dt;
    if (e.flash > 0) e.flash -= dt;
    const p = S.player;
    switch (e.type) {
      case "drone": {
        e.y = -40 + e.speed * e.t;
        e.x = e.x0 + e.dir * Math.sin(e.t * 1.3) * e.amp * 0.5 + e.dir * e.t * 30;
        e.bank = Math.cos(e.t * 1.3) * e.dir;
        if (e.y > H + 40) e.dead = true;
        break;
      }
      case "dart": {
        if (e.state === "wait") {
          e.y = Math.min(40, e.y + 300 * dt);
          if (e.t > 0.7) {
            e.state = "dive";
            const dx = p.x + p.w / 2 - (e.x + e.w / 2), dy = p.y - e.y, d = Math.hypot(dx, dy) || 1;
            const sp = 430 + S.wave * 18;
            e.vx = (dx / d) * sp; e.vy = (dy / d) * sp;
            g.sfx.play("shoot", {pitch: 0.4});
          }
        } else {
          e.x += e.vx * dt; e.y += e.vy * dt;
          if (e.y > H + 50 || e.x < -60 || e.x > W + 60) e.dead = true;
        }
        break;
      }
      case "orb": {
        e.y += (55 + S.wave * 3) * dt;
        e.x = e.x0 + Math.sin(e.t * 1.7) * 40;
        if (e.y > H + 40) e.dead = true;
        break;
      }
      case "gunship": {
        if (e.t < e.stay) {
          e.y += (e.homeY - e.y) * Math.min(1, dt * 2);
          e.x = e.x0 + Math.sin(e.t * 0.9) * 150;
          e.x = Math.max(10, Math.min(W - e.w - 10, e.x));
        } else {
          e.y -= 140 * dt;
          e.fireT = Infinity;
          if (e.y < -80) e.dead = true;
        }
        break;
      }
      case "boss": {
        updateBoss(g, e, dt);
        break;
      }
    }
  }

  function updateBoss(g, b, dt) {
    const cx = b.x + b.w / 2, cy = b.y + b.h * 0.7;
    if (b.y < 50 && !b.inPlace) { b.y += 60 * dt; return; }   // entrance
    b.inPlace = true;
    b.bt = (b.bt || 0) + dt;
    b.x = W / 2 - b.w / 2 + Math.sin(b.bt * 0.5) * 230;
    b.y = 50 + Math.sin(b.bt * 0.9) * 18;
    b.patT += dt; b.shotT -= dt;
    const rage = b.hp < b.maxHp * 0.4 ? 1.5 : 1;
    const pattern = b.pattern % 3;
    if (pattern === 0 && b.shotT <= 0) {          // aimed fans
      aimedFan(g, cx, cy, 5, 240, 0.16);
      b.shotT = 0.9 / rage;
      g.sfx.play("shoot", {pitch: 0.5});
    } else if (pattern === 1 && b.shotT <= 0) {   // spiral
      b.spin += 0.33;
      radial(g, cx, cy, 6, 190, b.spin);
      b.shotT = 0.16 / rage;
      g.sfx.play("blip", {pitch: 0.7});
    } else if (pattern === 2 && b.shotT <= 0) {   // drone release + ring
      radial(g, cx, cy, 16, 160, b.t);
      if (g.all("drone").length < 8) {
        for (let i = 0; i < 2; i++) addEnemy(g, "drone", cx - 17, b.y + b.h, {x0: cx - 17, dir: i ? 1 : -1, speed: 170, amp: 200});
      }
      b.shotT = 1.6 / rage;
      g.sfx.play("explode", {pitch: 1.8});
    }
    if (b.patT > 5.5) { b.pattern++; b.patT = 0; b.shotT = 0.6; }
  }

  function hurtPlayer(g, src) {
    const p = S.player;
    if (!g.hurt(p, 1, src)) return;
  }

  // ---------------------------------------------------------------- drawing
  function drawBackground(g, ctx, now) {
    const bg = ctx.createLinearGradient(0, 0, 0, H);
    bg.addColorStop(0, "#03040f");
    bg.addColorStop(0.6, "#0a0a26");
    bg.addColorStop(1, "#1c0f30");
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, W, H);
    const scroll = S ? S.scroll : now * 40;
    for (const n of NEBULAE) {
      const y = ((n.y + scroll * n.v / 40) % (H + n.r * 2) + H + n.r * 2) % (H + n.r * 2) - n.r;
      const gr = ctx.createRadialGradient(n.x, y, 10, n.x, y, n.r);
      gr.addColorStop(0, n.c);
      gr.addColorStop(1, "rgba(0,0,0,0)");
      ctx.fillStyle = gr;
      ctx.fillRect(n.x - n.r, y - n.r, n.r * 2, n.r * 2);
    }
    // distant ringed planet
    const py = ((140 + scroll * 0.06) % (H + 300)) - 150;
    const pg = ctx.createRadialGradient(660, py - 20, 8, 680, py, 70);
    pg.addColorStop(0, "#6e5aa8"); pg.addColorStop(1, "#1a1438");
    ctx.fillStyle = pg;
    ctx.beginPath(); ctx.arc(680, py, 56, 0, Math.PI * 2); ctx.fill();
    ctx.strokeStyle = "rgba(190,170,255,0.35)"; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.ellipse(680, py, 96, 18, -0.3, 0, Math.PI * 2); ctx.stroke();
    for (const s of STARS) {
      const y = (s.y + scroll * s.v / 40) % H;
      const a = s.layer === 0 ? 0.9 : 0.4 + 0.4 * Math.sin(now * 2 + s.tw);
      ctx.fillStyle = s.layer === 0 ? `rgba(220,235,255,${a})` : `rgba(200,210,255,${a})`;
      if (s.layer === 0) ctx.fillRect(s.x, y, 1.6, 4 + (S ? S.speedLines : 0));
      else ctx.fillRect(s.x, y, s.s, s.s);
    }
    // the warded star: a corona at the bottom of the screen
    const pulse = 0.85 + 0.15 * Math.sin(now * 1.7);
    const star = ctx.createRadialGradient(W / 2, H + 260, 40, W / 2, H + 260, 420);
    star.addColorStop(0, `rgba(255,220,140,${0.55 * pulse})`);
    star.addColorStop(0.55, `rgba(255,140,60,${0.18 * pulse})`);
    star.addColorStop(1, "rgba(255,120,40,0)");
    ctx.fillStyle = star;
    ctx.fillRect(0, H - 180, W, 180);
  }

  function drawShip(ctx, p, now) {
    if (p.blink) return;
    const cx = p.x + p.w / 2, cy = p.y + p.h / 2;
    const bank = Math.max(-1, Math.min(1, p.vx / 360));
    ctx.save();
    ctx.translate(cx, cy);
    // engine flame
    const fl = 10 + Math.random() * 8 + (p.vy < -50 ? 8 : 0);
    const flame = ctx.createLinearGradient(0, 12, 0, 12 + fl);
    flame.addColorStop(0, "rgba(160,240,255,0.95)");
    flame.addColorStop(1, "rgba(60,120,255,0)");
    ctx.fillStyle = flame;
    ctx.beginPath(); ctx.moveTo(-6, 12); ctx.lineTo(0, 14 + fl); ctx.lineTo(6, 12); ctx.closePath(); ctx.fill();
    ctx.scale(1 - Math.abs(bank) * 0.25, 1);
    // wings
    const wing = ctx.createLinearGradient(-20, 0, 20, 0);
    wing.addColorStop(0, bank < 0 ? "#3a63b8" : "#5b8cf0");
    wing.addColorStop(1, bank > 0 ? "#3a63b8" : "#5b8cf0");
    ctx.fillStyle = wing;
    ctx.beginPath();
    ctx.moveTo(0, -18); ctx.lineTo(19, 10); ctx.lineTo(12, 14); ctx.lineTo(0, 8); ctx.lineTo(-12, 14); ctx.lineTo(-19, 10);
    ctx.closePath(); ctx.fill();
    ctx.strokeStyle = "rgba(190,220,255,0.8)"; ctx.lineWidth = 1.2; ctx.stroke();
    // hull
    const hull = ctx.createLinearGradient(0, -20, 0, 14);
    hull.addColorStop(0, "#f2f6ff"); hull.addColorStop(1, "#8da2c8");
    ctx.fillStyle = hull;
    ctx.beginPath(); ctx.moveTo(0, -21); ctx.lineTo(7, 6); ctx.lineTo(0, 12); ctx.lineTo(-7, 6); ctx.closePath(); ctx.fill();
    // cockpit
    ctx.fillStyle = "#29e0ff";
    ctx.beginPath(); ctx.ellipse(0, -4, 3, 6, 0, 0, Math.PI * 2); ctx.fill();
    // wing-tip lights
    ctx.fillStyle = Math.sin(now * 8) > 0 ? "#ff5d8f" : "#7cf3ff";
    ctx.fillRect(-18, 8, 3, 3); ctx.fillRect(15, 8, 3, 3);
    ctx.restore();
  }

  function drawEnemy(ctx, e, now) {
    if (e.delay > 0) return;
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    ctx.save();
    ctx.translate(cx, cy);
    const hit = e.flash > 0;
    switch (e.type) {
      case "drone": {
        ctx.rotate((e.bank || 0) * 0.35);
        ctx.fillStyle = hit ? "#fff" : "#1b4c66";
        ctx.beginPath(); ctx.moveTo(-17, -6); ctx.lineTo(0, 14); ctx.lineTo(17, -6); ctx.lineTo(0, -2); ctx.closePath(); ctx.fill();
        ctx.strokeStyle = hit ? "#fff" : "#7cf3ff"; ctx.lineWidth = 2; ctx.stroke();
        const eye = ctx.createRadialGradient(0, 2, 1, 0, 2, 9);
        eye.addColorStop(0, "#e6ffff"); eye.addColorStop(1, "rgba(124,243,255,0)");
        ctx.fillStyle = eye;
        ctx.beginPath(); ctx.arc(0, 2, 9, 0, Math.PI * 2); ctx.fill();
        break;
      }
      case "dart": {
        if (e.state === "wait") {
          ctx.strokeStyle = `rgba(255,154,74,${0.4 + 0.4 * Math.sin(now * 30)})`;
          ctx.setLineDash([6, 6]); ctx.lineWidth = 1.5;
          const p = S.player;
          ctx.beginPath(); ctx.moveTo(0, 0); ctx.lineTo(p.x + p.w / 2 - cx, p.y + p.h / 2 - cy); ctx.stroke();
          ctx.setLineDash([]);
        } else ctx.rotate(Math.atan2(e.vy, e.vx) - Math.PI / 2);
        ctx.fillStyle = hit ? "#fff" : "#ff9a4a";
        ctx.beginPath(); ctx.moveTo(0, 18); ctx.lineTo(10, -12); ctx.lineTo(0, -6); ctx.lineTo(-10, -12); ctx.closePath(); ctx.fill();
        ctx.fillStyle = "#fff1d6";
        ctx.beginPath(); ctx.arc(0, 2, 3, 0, Math.PI * 2); ctx.fill();
        if (e.state !== "wait") {
          ctx.fillStyle = "rgba(255,154,74,0.5)";
          ctx.beginPath(); ctx.moveTo(-5, -10); ctx.lineTo(0, -28 - Math.random() * 8); ctx.lineTo(5, -10); ctx.closePath(); ctx.fill();
        }
        break;
      }
      case "orb": {
        const gl = ctx.createRadialGradient(0, 0, 4, 0, 0, 26);
        gl.addColorStop(0, "rgba(199,125,255,0.6)"); gl.addColorStop(1, "rgba(199,125,255,0)");
        ctx.fillStyle = gl; ctx.beginPath(); ctx.arc(0, 0, 26, 0, Math.PI * 2); ctx.fill();
        const body = ctx.createRadialGradient(-5, -5, 2, 0, 0, 16);
        body.addColorStop(0, hit ? "#fff" : "#f0d4ff"); body.addColorStop(1, hit ? "#fff" : "#7b2fbf");
        ctx.fillStyle = body; ctx.beginPath(); ctx.arc(0, 0, 15, 0, Math.PI * 2); ctx.fill();
        ctx.strokeStyle = "rgba(255,255,255,0.6)"; ctx.lineWidth = 1.5;
        ctx.rotate(now * 2);
        ctx.beginPath(); ctx.ellipse(0, 0, 21, 7, 0, 0, Math.PI * 2); ctx.stroke();
        break;
      }
      case "gunship": {
        ctx.fillStyle = hit ? "#fff" : "#4a1830";
        ctx.beginPath();
        ctx.moveTo(-32, -8); ctx.lineTo(-20, -20); ctx.lineTo(20, -20); ctx.lineTo(32, -8); ctx.lineTo(22, 16);
        ctx.lineTo(8, 20); ctx.lineTo(-8, 20); ctx.lineTo(-22, 16); ctx.closePath(); ctx.fill();
        ctx.strokeStyle = hit ? "#fff" : "#ff5d8f"; ctx.lineWidth = 2; ctx.stroke();
        ctx.fillStyle = "#ff5d8f";
        ctx.fillRect(-26, 4, 8, 12); ctx.fillRect(18, 4, 8, 12);
        const core = ctx.createRadialGradient(0, 0, 1, 0, 0, 10);
        core.addColorStop(0, "#fff"); core.addColorStop(1, "rgba(255,93,143,0)");
        ctx.fillStyle = core; ctx.beginPath(); ctx.arc(0, 0, 10 + Math.sin(now * 10) * 2, 0, Math.PI * 2); ctx.fill();
        break;
      }
      case "boss": {
        const rage = e.hp < e.maxHp * 0.4;
        // hull
        const hull = ctx.createLinearGradient(0, -55, 0, 55);
        hull.addColorStop(0, hit ? "#fff" : "#3a2a12"); hull.addColorStop(1, hit ? "#fff" : "#140c06");
        ctx.fillStyle = hull;
        ctx.beginPath();
        ctx.moveTo(-110, -10); ctx.lineTo(-70, -50); ctx.lineTo(70, -50); ctx.lineTo(110, -10);
        ctx.lineTo(80, 40); ctx.lineTo(30, 55); ctx.lineTo(-30, 55); ctx.lineTo(-80, 40); ctx.closePath(); ctx.fill();
        ctx.strokeStyle = rage ? "#ff6a3a" : "#ffcf5c"; ctx.lineWidth = 3; ctx.stroke();
        // eclipse eye: a dark disc with a burning rim
        const rim = ctx.createRadialGradient(0, 8, 18, 0, 8, 42);
        rim.addColorStop(0, "rgba(0,0,0,1)"); rim.addColorStop(0.55, "rgba(0,0,0,1)");
        rim.addColorStop(0.62, rage ? "#ff4a2a" : "#ffe08a"); rim.addColorStop(1, "rgba(255,140,40,0)");
        ctx.fillStyle = rim;
        ctx.beginPath(); ctx.arc(0, 8, 42, 0, Math.PI * 2); ctx.fill();
        // turrets
        ctx.fillStyle = "#ffcf5c";
        for (const s of [-1, 1]) {
          ctx.save(); ctx.translate(s * 70, 10); ctx.rotate(Math.sin(now * 2) * 0.3 * s);
          ctx.fillRect(-6, 0, 12, 22); ctx.restore();
        }
        // running lights
        for (let i = 0; i < 7; i++) {
          ctx.fillStyle = (Math.floor(now * 6) + i) % 7 === 0 ? "#fff" : "rgba(255,207,92,0.5)";
          ctx.fillRect(-60 + i * 20, -42, 6, 4);
        }
        break;
      }
    }
    ctx.restore();
    // small hp bar for tough enemies
    if (e.maxHp && e.type !== "boss" && e.hp < e.maxHp) {
      ctx.fillStyle = "rgba(0,0,0,0.5)"; ctx.fillRect(e.x, e.y - 8, e.w, 4);
      ctx.fillStyle = e.color; ctx.fillRect(e.x, e.y - 8, e.w * (e.hp / e.maxHp), 4);
    }
  }

  function drawPod(ctx, e, now) {
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const P = POWERS[e.power];
    const gl = ctx.createRadialGradient(cx, cy, 2, cx, cy, 24);
    gl.addColorStop(0, P.color); gl.addColorStop(1, "rgba(0,0,0,0)");
    ctx.globalAlpha = 0.5 + 0.2 * Math.sin(now * 6);
    ctx.fillStyle = gl; ctx.fillRect(cx - 24, cy - 24, 48, 48);
    ctx.globalAlpha = 1;
    if (e.power === "shield") return;             // the shield module draws its own pickup
    ctx.save(); ctx.translate(cx, cy); ctx.rotate(Math.sin(now * 2 + e.t) * 0.3);
    ctx.fillStyle = "#10162c"; ctx.strokeStyle = P.color; ctx.lineWidth = 2.5;
    ctx.beginPath();
    for (let i = 0; i < 6; i++) { const a = i * Math.PI / 3 + Math.PI / 6; ctx.lineTo(Math.cos(a) * 12, Math.sin(a) * 12); }
    ctx.closePath(); ctx.fill(); ctx.stroke();
    if (e.power === "life") {
      ctx.fillStyle = P.color;
      ctx.beginPath(); ctx.moveTo(0, 6); ctx.bezierCurveTo(-9, -1, -4, -8, 0, -3); ctx.bezierCurveTo(4, -8, 9, -1, 0, 6); ctx.fill();
    } else {
      ctx.fillStyle = P.color; ctx.font = "800 13px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(P.label, 0, 1);
    }
    ctx.restore();
  }

  // ---------------------------------------------------------------- the game
  Kit.game({
    title: "Star Warden",
    width: W, height: H,
    background: "#03040f",
    controls: ["Arrows / WASD fly", "Space (hold) fire — or drag with the mouse", "Pods: S spread · R rapid · shield · +1 ship",
      "Every 5th wave: the Eclipse", "R restart"],
    modules: MODULES,
    init(g) {
      // hook for bots and designers: jump straight to a wave (e.g. 5 for the Eclipse)
      g.skipToWave = (n) => { for (const e of g.all("enemy")) e.dead = true; startWave(g, n); };
      S = {wave: 0, plan: [], waveT: 0, clearT: -1, rings: [], debris: [], scroll: 0, speedLines: 0, boss: null,
        banner: null, spreadT: 0, rapidT: 0, kills: 0, ptrFire: false, hitThisWave: false};
      S.player = g.add({x: W / 2 - 17, y: H - 110, w: 34, h: 36, tags: ["player"]});
      g.on("enemy_killed", (ev) => {
        const e = ev.e;
        S.kills++;
        const size = e.type === "boss" ? 4 : e.type === "gunship" ? 2 : 1;
        explode(g, ev.x, ev.y, e.color, size);
        const mult = e.type === "boss" ? S.wave / 5 : 1;
        g.addScore(e.points * mult, ev.x, ev.y - 10);
        if (e.type === "orb") radial(g, ev.x, ev.y, 8 + Math.min(6, S.wave), 150, Math.random());
        if (e.type === "boss") {
          S.boss = null;
          g.fx.flash("#fff3c0", 0.5);
          for (let i = 0; i < 4; i++) dropPower(g, ev.x - 60 + i * 40, ev.y, i === 0 ? "life" : null);
          for (const b of g.all("enemy_bullet")) b.dead = true;
          g.emit("boss_defeated", {wave: S.wave, x: ev.x, y: ev.y});
        } else if (Math.random() < (e.type === "gunship" ? 0.45 : e.type === "orb" ? 0.12 : 0.05)) dropPower(g, ev.x, ev.y);
      });
      g.on("damage", (ev) => {
        if (ev.target && ev.target.tags.includes("enemy")) ev.target.flash = 0.07;
      });
      g.on("life_lost", () => {
        const p = S.player;
        S.hitThisWave = true;
        explode(g, p.x + p.w / 2, p.y + p.h / 2, "#7cc4ff", 3);
        // mercy: clear the bullets around the ship and drop the power level
        for (const b of g.all("enemy_bullet")) if (Math.hypot(b.x - p.x, b.y - p.y) < 220) b.dead = true;
        S.spreadT = Math.min(S.spreadT, 0); S.rapidT = 0;
      });
      g.on("shield_up", () => g.fx.text(S.player.x + 17, S.player.y - 16, "SHIELD", "#7fdcff"));
    },
    update(g, dt) {
      const p = S.player;
      S.scroll += dt * (40 + S.wave * 2);
      S.speedLines = Math.max(0, -p.vy / 120);
      // pointer steering: hold the button and the ship glides toward it, firing
      const ptr = g.input.pointer;
      if (ptr.down) {
        const tx = ptr.x - p.w / 2, ty = ptr.y - p.h - 30;
        p.vx = Math.max(-420, Math.min(420, (tx - p.x) * 8));
        p.vy = Math.max(-420, Math.min(420, (ty - p.y) * 8));
        if (!S.ptrFire) { S.ptrFire = true; g.input.inject("action", true); }
      } else if (S.ptrFire) { S.ptrFire = false; g.input.inject("action", false); }
      // keep the ship in the lower part of the screen
      if (p.y < H * 0.38) { p.y = H * 0.38; p.vy = Math.max(0, p.vy); }

      // weapon power-ups drive the shoot module's live parameters
      const sp = g.params("shoot");
      if (sp) {
        S.spreadT = Math.max(0, S.spreadT - dt); S.rapidT = Math.max(0, S.rapidT - dt);
        sp.spread = S.spreadT > 0 ? (S.spreadLvl >= 2 ? 5 : 3) : 1;
        sp.rate = S.rapidT > 0 ? 13 : 7;
        if (S.spreadT <= 0) S.spreadLvl = 0;
      }

      // waves
      if (S.wave === 0) startWave(g, 1);
      S.waveT += dt;
      while (S.plan.length && S.plan[0].at <= S.waveT) spawnGroup(g, S.plan.shift().kind);
      const enemies = g.all("enemy");
      if (!S.plan.length && !enemies.length && S.clearT < 0) {
        S.clearT = 0;
        const bonus = 250 * S.wave + (S.hitThisWave ? 0 : 500);
        const got = g.addScore(bonus);
        S.banner = {title: S.hitThisWave ? "WAVE CLEAR" : "FLAWLESS!", sub: `+${got}`, t: 1.8};
        g.sfx.play("powerup");
        g.emit("wave_clear", {wave: S.wave, flawless: !S.hitThisWave});
      }
      if (S.clearT >= 0) { S.clearT += dt; if (S.clearT > 2.0) startWave(g, S.wave + 1); }
      if (S.banner) { S.banner.t -= dt; if (S.banner.t <= 0) S.banner = null; }
      if (S.banner && S.banner.boss && Math.floor(S.banner.t * 3) !== Math.floor((S.banner.t + dt) * 3)) g.sfx.play("beat", {pitch: 0.6});

      for (const e of enemies) {
        updateEnemy(g, e, dt);
        if (!e.dead && !(e.delay > 0) && g.overlap(p, {x: e.x + 4, y: e.y + 4, w: e.w - 8, h: e.h - 8})) {
          hurtPlayer(g, e);
          if (e.type !== "boss" && e.type !== "gunship") { e.dead = true; explode(g, e.x + e.w / 2, e.y + e.h / 2, e.color, 1); }
        }
      }
      // pods drift down and are collected
      for (const e of g.all("pod")) {
        e.t += dt;
        e.y += 70 * dt;
        e.x += Math.sin(e.t * 2.5) * 30 * dt;
        if (e.y > H + 30) { e.dead = true; continue; }
        if (e.power === "shield") continue;    // shield_powerup collects it
        if (g.overlap(p, e)) {
          e.dead = true;
          if (e.power === "spread") { S.spreadLvl = S.spreadT > 0 ? 2 : 1; S.spreadT = 12; }
          if (e.power === "rapid") S.rapidT = 12;
          if (e.power === "life") g.lives = Math.min(6, g.lives + 1);
          g.sfx.play("powerup", {pitch: e.power === "life" ? 0.8 : 1.1});
          g.fx.text(e.x + 12, e.y - 10, POWERS[e.power].name, POWERS[e.power].color);
          g.emit("powerup", {kind: e.power, x: e.x + 12, y: e.y + 12});
        }
      }
      for (const r of S.rings) r.t += dt;
      S.rings = S.rings.filter((r) => r.t < r.life);
      for (const d of S.debris) { d.life -= dt; d.x += d.vx * dt; d.y += d.vy * dt; d.vx *= 0.98; d.vy *= 0.98; d.rot += d.vr * dt; }
      S.debris = S.debris.filter((d) => d.life > 0);
      if (p.flameT > 0) p.flameT -= dt;
    },
    draw(g, ctx) {
      const now = performance.now() / 1000;
      drawBackground(g, ctx, now);
      if (!S) return;
      for (const e of g.all("pod")) drawPod(ctx, e, now);
      // glowing tracers behind the shoot module's bolts
      ctx.globalCompositeOperation = "lighter";
      for (const b of g.all("bullet")) {
        const tr = ctx.createLinearGradient(0, b.y + b.h, 0, b.y + b.h + 26);
        tr.addColorStop(0, "rgba(255,230,120,0.55)"); tr.addColorStop(1, "rgba(255,160,60,0)");
        ctx.fillStyle = tr; ctx.fillRect(b.x - 1, b.y + b.h - 2, b.w + 2, 28);
        const gl = ctx.createRadialGradient(b.x + b.w / 2, b.y + 3, 1, b.x + b.w / 2, b.y + 3, 12);
        gl.addColorStop(0, "rgba(255,240,170,0.6)"); gl.addColorStop(1, "rgba(255,200,80,0)");
        ctx.fillStyle = gl; ctx.fillRect(b.x - 12, b.y - 9, b.w + 24, 24);
      }
      for (const b of g.all("enemy_bullet")) {
        const gl = ctx.createRadialGradient(b.x + 4, b.y + 4, 1, b.x + 4, b.y + 4, 14);
        gl.addColorStop(0, "rgba(255,93,143,0.5)"); gl.addColorStop(1, "rgba(255,93,143,0)");
        ctx.fillStyle = gl; ctx.fillRect(b.x - 10, b.y - 10, 28, 28);
      }
      ctx.globalCompositeOperation = "source-over";
      for (const e of g.all("enemy")) drawEnemy(ctx, e, now);
      for (const d of S.debris) {
        ctx.save(); ctx.translate(d.x, d.y); ctx.rotate(d.rot);
        ctx.globalAlpha = Math.min(1, d.life * 2);
        ctx.fillStyle = d.color; ctx.fillRect(-3, -1.5, 6, 3);
        ctx.restore();
      }
      ctx.globalAlpha = 1;
      for (const r of S.rings) {
        const k = r.t / r.life;
        ctx.strokeStyle = r.color; ctx.globalAlpha = 1 - k; ctx.lineWidth = 3 * (1 - k) + 1;
        ctx.beginPath(); ctx.arc(r.x, r.y, r.r + (r.max - r.r) * Math.sqrt(k), 0, Math.PI * 2); ctx.stroke();
        if (k < 0.25) {
          const fl = ctx.createRadialGradient(r.x, r.y, 1, r.x, r.y, r.max * 0.6);
          fl.addColorStop(0, `rgba(255,250,220,${0.9 * (1 - k * 4)})`); fl.addColorStop(1, "rgba(255,200,120,0)");
          ctx.fillStyle = fl; ctx.globalAlpha = 1;
          ctx.beginPath(); ctx.arc(r.x, r.y, r.max * 0.6, 0, Math.PI * 2); ctx.fill();
        }
      }
      ctx.globalAlpha = 1;
      if (g.phase !== "over") drawShip(ctx, S.player, now);
    },
    drawHud(g, ctx) {
      if (!S || g.phase === "title") return;
      const now = performance.now() / 1000;
      const txt = (s, x, y, size, col, align) => {
        ctx.font = `800 ${size}px system-ui, sans-serif`;
        ctx.textAlign = align || "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
        ctx.lineWidth = Math.max(3, size / 5); ctx.strokeStyle = "rgba(0,0,0,0.6)";
        ctx.strokeText(s, x, y); ctx.fillStyle = col; ctx.fillText(s, x, y);
      };
      txt(`WAVE ${S.wave}`, W - 16, 46, 15, "#9fd8ff", "right");
      // weapon timers
      let y = H - 22;
      for (const [k, t] of [["spread", S.spreadT], ["rapid", S.rapidT]]) {
        if (t <= 0) continue;
        const P = POWERS[k];
        ctx.fillStyle = "rgba(0,0,0,0.5)"; ctx.fillRect(14, y - 7, 120, 14);
        ctx.fillStyle = P.color; ctx.fillRect(14, y - 7, 120 * (t / 12), 14);
        txt(k === "spread" && S.spreadLvl >= 2 ? "SPREAD II" : P.name, 142, y, 12, P.color, "left");
        y -= 20;
      }
      const p = S.player;
      if (p.shieldT > 0) {
        ctx.fillStyle = "rgba(0,0,0,0.5)"; ctx.fillRect(14, y - 7, 120, 14);
        ctx.fillStyle = "#7fdcff"; ctx.fillRect(14, y - 7, 120 * Math.min(1, p.shieldT / 12), 14);
        txt(`SHIELD ×${p.shieldHits || 0}`, 142, y, 12, "#7fdcff", "left");
      }
      // boss health
      const b = S.boss && !S.boss.dead ? S.boss : null;
      if (b && b.maxHp) {
        const bw = 360, bx = W / 2 - bw / 2, by = 62;
        ctx.fillStyle = "rgba(0,0,0,0.6)"; ctx.fillRect(bx - 2, by - 2, bw + 4, 12);
        const grd = ctx.createLinearGradient(bx, 0, bx + bw, 0);
        grd.addColorStop(0, "#ff6a3a"); grd.addColorStop(1, "#ffcf5c");
        ctx.fillStyle = grd; ctx.fillRect(bx, by, bw * Math.max(0, b.hp / b.maxHp), 8);
        txt("THE ECLIPSE", W / 2, by + 22, 13, "#ffcf5c");
      }
      if (S.banner && g.phase === "playing") {
        const a = Math.min(1, S.banner.t * 2);
        ctx.globalAlpha = a;
        if (S.banner.boss) {
          ctx.fillStyle = `rgba(255,40,60,${0.12 + 0.1 * Math.sin(now * 12)})`;
          ctx.fillRect(0, H / 2 - 60, W, 110);
        }
        txt(S.banner.title, W / 2, H / 2 - 20, 46, S.banner.boss ? "#ff5d6a" : "#e8f4ff");
        txt(S.banner.sub, W / 2, H / 2 + 24, 18, S.banner.boss ? "#ffcf5c" : "#9fd8ff");
        ctx.globalAlpha = 1;
      }
      if (g.phase === "over") txt(`Fell on wave ${S.wave} · ${S.kills} kills`, W / 2, H * 0.62, 18, "#9fd8ff");
    },
  });
})();
