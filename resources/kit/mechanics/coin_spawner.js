// Coin spawner: coins keep appearing at random free spots and vanish if ignored.
Kit.mechanic({
  id: "coin_spawner",
  name: "Coin spawner",
  summary: "Coins appear at random free spots every so often and fade away if not collected in time.",
  category: "spawning",
  changes: ["resources", "observations"],
  params: {
    interval: 1.5,   // seconds between new coins (0.2..6)
    max: 6,          // most coins on screen at once (1..30)
    lifetime: 7,     // seconds before an uncollected coin vanishes, 0 = never (0..30)
    top: 0.15,       // highest spawn height, fraction of the screen (0..1)
    bottom: 0.8,     // lowest spawn height, fraction of the screen (0..1)
    value: 10,       // points per coin (1..100)
  },
  setup(g, p, s) { s.t = 0.3; },
  update(g, dt, p, s) {
    s.t -= dt;
    if (s.t <= 0) {
      s.t = p.interval;
      if (g.all("coin").length < p.max) {
        const solids = g.all("solid");
        for (let tries = 0; tries < 8; tries++) {
          const c = { x: g.rand(30, g.W - 48), y: g.rand(g.H * Math.min(p.top, p.bottom), g.H * Math.max(p.top, p.bottom)), w: 18, h: 18 };
          if (solids.some((so) => g.overlap(c, so))) continue;
          const e = g.add(Object.assign(c, { tags: ["coin"], kit: "coin_spawner", value: p.value, shape: "circle",
            color: "#ffd34d", life: p.lifetime > 0 ? p.lifetime : Infinity, born: g.time }));
          g.emit("coin_spawn", { e, x: e.x, y: e.y });
          break;
        }
      }
    }
    for (const c of g.all("coin")) {
      if (c.kit !== "coin_spawner") continue;
      c.life -= dt;
      if (c.life <= 0) { c.dead = true; g.emit("coin_expired", { e: c }); }
    }
  },
  draw(g, ctx) {
    for (const c of g.entities) {
      if (c.kit !== "coin_spawner" || c.dead) continue;
      // Spinning coin: an ellipse whose width follows a cosine; blinks before it expires.
      if (c.life < 1.5 && Math.floor(c.life * 8) % 2 === 0) continue;
      const cx = c.x + c.w / 2, cy = c.y + c.h / 2, r = c.w / 2;
      const pop = Math.min(1, (g.time - c.born) * 6), sx = Math.max(0.15, Math.abs(Math.cos(g.time * 3 + c.x)));
      ctx.fillStyle = "#e0a800";
      ctx.beginPath(); ctx.ellipse(cx, cy, r * sx * pop, r * pop, 0, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = c.color;
      ctx.beginPath(); ctx.ellipse(cx, cy, r * sx * 0.72 * pop, r * 0.72 * pop, 0, 0, Math.PI * 2); ctx.fill();
    }
  },
  probe: {
    setup(g) { g.add({ x: 0, y: 560, w: 800, h: 40, tags: ["solid"] }); },
    script: [{ wait: 600 }],
    check(g, rec) {
      // Spawns keep coming (~7 in 10 s), the cap holds, and old coins expire.
      const cs = g.all("coin");
      return rec.events.coin_spawn >= 5 && rec.events.coin_expired >= 1 && cs.length >= 1 && cs.length <= 6 &&
        cs.every((c) => c.y + c.h <= 560);
    },
  },
});
