// Magnet: a pickup that pulls nearby coins to the player for a while.
Kit.mechanic({
  id: "magnet_pickup",
  name: "Coin magnet",
  summary: "Magnet pickups appear now and then; while one is active, coins within reach fly to the player.",
  category: "collection",
  changes: ["resources", "actions"],
  requires: ["coins"],
  params: {
    radius: 170,       // reach of the pull, px (50..400)
    pull: 420,         // coin flight speed, px/s (100..1000)
    duration: 8,       // seconds a magnet lasts (2..30)
    spawn_every: 15,   // seconds between magnet pickups, 0 = only ones the game places (0..60)
    always: 0,         // 1 = the magnet is always on (no pickups needed)
  },
  setup(g, p, s) { s.next = p.spawn_every; },
  update(g, dt, p, s) {
    if (p.spawn_every > 0 && !p.always && !g.first("magnet")) {
      s.next -= dt;
      if (s.next <= 0) {
        s.next = p.spawn_every;
        g.add({ x: g.rand(60, g.W - 80), y: g.rand(120, g.H - 160), w: 22, h: 22, tags: ["magnet"], kit: "magnet_pickup", color: "#ff4d6d" });
      }
    }
    for (const pl of g.all("player")) {
      for (const m of g.all("magnet")) {
        if (!g.overlap(pl, m)) continue;
        m.dead = true;
        pl.magnetT = p.duration;
        g.sfx.play("powerup", { pitch: 1.2 });
        g.emit("magnet", { e: pl, x: m.x + 11, y: m.y });
      }
      if (pl.magnetT > 0) pl.magnetT -= dt;
      if (!(p.always || pl.magnetT > 0)) continue;
      const px = pl.x + pl.w / 2, py = pl.y + pl.h / 2;
      for (const c of g.all("coin")) {
        const dx = px - (c.x + c.w / 2), dy = py - (c.y + c.h / 2), d = Math.hypot(dx, dy);
        if (d > p.radius || d < 1) continue;
        const step = Math.min(d, p.pull * dt * (1.5 - d / p.radius));   // faster as it gets close
        c.x += (dx / d) * step; c.y += (dy / d) * step;
      }
    }
  },
  draw(g, ctx, p) {
    for (const m of g.all("magnet")) {
      const cx = m.x + 11, cy = m.y + 11 + Math.sin(g.time * 3) * 3;
      ctx.lineWidth = 6; ctx.lineCap = "butt";
      ctx.strokeStyle = "#ff4d6d"; ctx.beginPath(); ctx.arc(cx, cy, 8, Math.PI, 0, true); ctx.stroke();
      ctx.strokeStyle = "#e8eef5";
      ctx.beginPath(); ctx.moveTo(cx - 8, cy); ctx.lineTo(cx - 8, cy - 6); ctx.moveTo(cx + 8, cy); ctx.lineTo(cx + 8, cy - 6); ctx.stroke();
    }
    for (const pl of g.all("player")) {
      if (!(p.always || pl.magnetT > 0)) continue;
      ctx.strokeStyle = `rgba(255,77,109,${0.15 + 0.1 * Math.sin(g.time * 6)})`; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(pl.x + pl.w / 2, pl.y + pl.h / 2, p.radius, 0, Math.PI * 2); ctx.stroke();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 104, y: 302, w: 22, h: 22, tags: ["magnet"] });
      g.add({ x: 250, y: 330, w: 16, h: 16, tags: ["coin"] });     // 150 px away: in reach
      g.add({ x: 600, y: 300, w: 16, h: 16, tags: ["coin"] });     // out of reach
    },
    script: [{ wait: 60 }],
    check(g, rec) {
      return rec.events.magnet === 1 && rec.events.coin === 1 && g.all("coin").length === 1 && g.first("coin").x === 600;
    },
  },
});
