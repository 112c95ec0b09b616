// Shoot: the player fires bullets that destroy enemies.
Kit.mechanic({
  id: "shoot",
  name: "Shoot",
  summary: "Space (or X) fires bullets upward or in the facing direction; bullets damage enemies and score points.",
  category: "combat",
  changes: ["actions", "resources"],
  params: {
    button: 0,       // 0 = Space/action, 1 = X/Shift (alt), for games where Space already jumps
    direction: 0,    // 0 = up (shmup), 1 = facing direction (platformer / top-down)
    speed: 720,      // bullet speed, px/s (300..1400)
    rate: 6,         // shots per second while held (1..20)
    spread: 1,       // bullets per shot, fanned out (1..5)
    damage: 1,       // damage per bullet (1..5)
    points: 10,      // score for each enemy destroyed (0..100)
  },
  update(g, dt, p, s) {
    s.cool = Math.max(0, (s.cool || 0) - dt);
    const key = p.button ? "alt" : "action";
    const pl = g.first("player");
    if (pl && s.cool <= 0 && (g.input.pressed(key) || g.input.down(key))) {
      s.cool = 1 / Math.max(0.1, p.rate);
      const n = Math.max(1, Math.round(p.spread));
      const base = p.direction ? (pl.facing || 1) < 0 ? Math.PI : 0 : -Math.PI / 2;
      for (let i = 0; i < n; i++) {
        const a = base + (i - (n - 1) / 2) * 0.16;
        const horiz = Math.abs(Math.cos(a)) > 0.7;
        const w = horiz ? 14 : 6, h = horiz ? 6 : 14;
        g.add({ x: pl.x + pl.w / 2 - w / 2, y: pl.y + pl.h / 2 - h / 2, w, h, vx: Math.cos(a) * p.speed,
          vy: Math.sin(a) * p.speed, tags: ["bullet"], kit: "shoot", color: "#fff6a8" });
      }
      g.sfx.play("shoot");
      g.emit("shoot", { x: pl.x + pl.w / 2, y: pl.y });
    }
    const enemies = g.all("enemy"), solids = g.all("solid");
    for (const b of g.all("bullet")) {
      if (b.kit !== "shoot") continue;
      b.x += b.vx * dt; b.y += b.vy * dt;
      if (b.x < -40 || b.x > g.W + 40 || b.y < -40 || b.y > g.H + 40) { b.dead = true; continue; }
      if (solids.some((so) => g.overlap(b, so))) { b.dead = true; g.fx.burst(b.x, b.y, "#cfd8e3", 4); continue; }
      for (const en of enemies) {
        if (en.dead || !g.overlap(b, en)) continue;
        b.dead = true;
        g.hurt(en, p.damage, b);
        const cx = en.x + en.w / 2, cy = en.y + en.h / 2;
        if (en.dead) {
          g.addScore(p.points, cx, cy);
          g.sfx.play("explode");
          g.fx.burst(cx, cy, en.color || "#ff7a59", 18);
          g.emit("enemy_killed", { x: cx, y: cy, e: en });
        } else g.sfx.play("hit", { pitch: 1.5 });
        break;
      }
    }
  },
  draw(g, ctx) {
    for (const b of g.entities) {
      if (b.kit !== "shoot" || b.dead) continue;
      ctx.fillStyle = "rgba(255,240,150,0.25)"; ctx.fillRect(b.x - 2, b.y - 2, b.w + 4, b.h + 4);
      ctx.fillStyle = b.color; ctx.fillRect(b.x, b.y, b.w, b.h);
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 388, y: 520, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 380, y: 100, w: 40, h: 30, tags: ["enemy"] });
      g.add({ x: 600, y: 100, w: 40, h: 30, tags: ["enemy"] });   // off the line of fire
    },
    script: [{ wait: 5 }, { press: "action" }, { wait: 60 }],
    check(g, rec) {
      return rec.events.shoot === 1 && rec.events.enemy_killed === 1 && g.all("enemy").length === 1 &&
        g.score === 10 && g.all("bullet").length === 0;
    },
  },
});
