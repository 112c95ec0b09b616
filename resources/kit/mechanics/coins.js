// Coins: the player collects "coin" entities for points.
Kit.mechanic({
  id: "coins",
  name: "Coins",
  summary: "Touching a coin collects it: points, a chime that rises with quick streaks, and a sparkle.",
  category: "collection",
  changes: ["resources", "goals"],
  params: {
    value: 10,        // points per coin unless the coin has its own e.value (1..100)
    streak_time: 0.8, // collecting again within this many seconds raises the chime's pitch (0..3)
  },
  update(g, dt, p, s) {
    s.since = (s.since || 0) + dt;
    const coins = g.all("coin");
    if (coins.length) s.had = true;
    for (const pl of g.all("player")) {
      for (const c of coins) {
        if (c.dead || !g.overlap(pl, c)) continue;
        c.dead = true;
        const cx = c.x + c.w / 2, cy = c.y + c.h / 2;
        s.streak = s.since < p.streak_time ? Math.min((s.streak || 0) + 1, 8) : 0;
        s.since = 0;
        const pts = g.addScore(c.value !== undefined ? c.value : p.value, cx, cy - 10);
        g.sfx.play("coin", { pitch: 1 + s.streak * 0.06 });
        g.fx.burst(cx, cy, "#ffd34d", 10);
        g.emit("coin", { x: cx, y: cy, value: pts, streak: s.streak });
      }
    }
    // Every placed coin is gone (levels that are about collecting them all).
    if (s.had && !g.has("coin_spawner") && !g.all("coin").length) { s.had = false; g.emit("all_coins"); }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 110, y: 305, w: 16, h: 16, tags: ["coin"] });
      g.add({ x: 200, y: 305, w: 16, h: 16, tags: ["coin"], value: 25 });
      g.add({ x: 600, y: 305, w: 16, h: 16, tags: ["coin"] });
    },
    update(g, dt) { g.first("player").x += 120 * dt; },   // walks right through the second coin
    script: [{ wait: 60 }],
    check(g, rec) {
      return rec.events.coin === 2 && g.score === 35 && rec.sfx.coin === 2 && g.all("coin").length === 1 &&
        rec.at(1).count.coin === 2;
    },
  },
});
