// Enemy bullets: enemies fire back at the player.
Kit.mechanic({
  id: "enemy_bullets",
  name: "Enemy bullets",
  summary: "On-screen enemies periodically fire bullets (aimed at the player or straight down) that hurt on contact.",
  category: "combat",
  changes: ["transitions", "observations"],
  params: {
    interval: 1.8,   // average seconds between shots per enemy (0.3..5); faster with difficulty
    speed: 260,      // bullet speed, px/s (100..600)
    aim: 1,          // 1 = aimed at the player, 0 = straight down
    max: 40,         // cap on enemy bullets alive (5..100)
  },
  update(g, dt, p) {
    const pl = g.first("player");
    const live = g.all("enemy_bullet");
    for (const en of g.all("enemy")) {
      if (en.x + en.w < 0 || en.x > g.W || en.y + en.h < 0 || en.y > g.H) continue;
      if (en.fireT === undefined) en.fireT = p.interval * (0.4 + g.random());
      en.fireT -= dt * (g.difficulty || 1);
      if (en.fireT > 0) continue;
      en.fireT = p.interval * (0.6 + 0.8 * g.random());
      if (live.length >= p.max) continue;
      const sx = en.x + en.w / 2, sy = en.y + en.h / 2;
      let vx = 0, vy = p.speed;
      if (p.aim && pl) {
        const dx = pl.x + pl.w / 2 - sx, dy = pl.y + pl.h / 2 - sy, d = Math.hypot(dx, dy) || 1;
        vx = (dx / d) * p.speed; vy = (dy / d) * p.speed;
      }
      live.push(g.add({ x: sx - 4, y: sy - 4, w: 8, h: 8, vx, vy, tags: ["enemy_bullet"], kit: "enemy_bullets", color: "#ff5d8f" }));
      g.sfx.play("shoot", { pitch: 0.55 });
      g.emit("enemy_shoot", { x: sx, y: sy });
    }
    for (const b of live) {
      if (b.dead) continue;
      b.x += b.vx * dt; b.y += b.vy * dt;
      if (b.x < -30 || b.x > g.W + 30 || b.y < -30 || b.y > g.H + 30) { b.dead = true; continue; }
      for (const t of g.all("player")) {
        if (!g.overlap(b, t)) continue;
        b.dead = true;
        g.fx.burst(b.x + 4, b.y + 4, b.color, 8);
        g.hurt(t, 1, b);
        break;
      }
    }
  },
  draw(g, ctx) {
    for (const b of g.entities) {
      if (b.kit !== "enemy_bullets" || b.dead) continue;
      ctx.fillStyle = "rgba(255,93,143,0.3)";
      ctx.beginPath(); ctx.arc(b.x + 4, b.y + 4, 7, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = b.color;
      ctx.beginPath(); ctx.arc(b.x + 4, b.y + 4, 4, 0, Math.PI * 2); ctx.fill();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 380, y: 80, w: 40, h: 30, tags: ["enemy"] });
      g.add({ x: 250, y: 380, w: 24, h: 24, tags: ["player"] });   // off to the side: needs aiming
    },
    script: [{ wait: 240 }],
    check(g, rec) {
      return rec.events.enemy_shoot >= 1 && rec.events.damage >= 1 && g.lives < 3;
    },
  },
});
