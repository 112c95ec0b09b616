// Homing enemies: enemies steer towards the player.
Kit.mechanic({
  id: "homing_enemies",
  name: "Homing enemies",
  summary: "Enemies turn to chase the player. Enemies placed by the game are moved by this module; spawned ones are only steered.",
  category: "spawning",
  changes: ["transitions"],
  params: {
    speed: 110,    // chase speed, px/s (30..400)
    turn: 2.5,     // steering responsiveness, 1/s (0.3..10; low = wide, lazy turns)
    range: 0,      // only chase within this distance, px (0 = always)
  },
  update(g, dt, p) {
    const pl = g.first("player");
    if (!pl) return;
    const px = pl.x + pl.w / 2, py = pl.y + pl.h / 2, k = 1 - Math.exp(-p.turn * dt);
    const sp = p.speed * Math.sqrt(g.difficulty || 1);
    for (const e of g.all("enemy")) {
      const dx = px - (e.x + e.w / 2), dy = py - (e.y + e.h / 2), d = Math.hypot(dx, dy) || 1;
      if (p.range > 0 && d > p.range) continue;
      e.vx += ((dx / d) * sp - e.vx) * k;
      e.vy += ((dy / d) * sp - e.vy) * k;
      if (!e.kit) { e.x += e.vx * dt; e.y += e.vy * dt; }   // spawned enemies are moved by their spawner
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 600, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 100, y: 300, w: 24, h: 24, vx: 0, vy: 120, tags: ["enemy"] });   // heading away, downwards
    },
    script: [{ wait: 120 }],
    check(g, rec) {
      const e = g.first("enemy");
      return e.x > 260 && e.vx > 60 && Math.abs(e.y + 12 - 312) < 60;
    },
  },
});
