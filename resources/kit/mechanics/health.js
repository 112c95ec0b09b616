// Health: the player has hit points; touching enemies or hazards costs one.
Kit.mechanic({
  id: "health",
  name: "Health",
  summary: "The player has a health bar; each new touch of an enemy or hazard costs hit points, and an empty bar costs a life.",
  category: "combat",
  changes: ["resources", "transitions"],
  params: {
    max_hp: 3,     // hit points per life (1..10)
    damage: 1,     // hp lost per touch (1..5)
    regen: 0,      // hp regained per second (0..1)
  },
  update(g, dt, p, s) {
    s.touching = s.touching || new Map();
    for (const pl of g.all("player")) {
      if (typeof pl.hp !== "number") { pl.hp = pl.maxHp = p.max_hp; }
      if (p.regen > 0) pl.hp = Math.min(pl.maxHp, pl.hp + p.regen * dt);
      // Hurt once per new contact, not every frame the bodies overlap.
      const before = s.touching.get(pl) || new Set(), now = new Set();
      for (const o of g.entities) {
        if (o.dead || !(o.tags.includes("enemy") || o.tags.includes("hazard")) || !g.overlap(pl, o)) continue;
        now.add(o);
        if (!before.has(o)) g.hurt(pl, p.damage, o);
      }
      s.touching.set(pl, now);
    }
  },
  draw(g, ctx) {
    for (const pl of g.all("player")) {
      if (typeof pl.hp !== "number" || !pl.maxHp) continue;
      const w = Math.max(28, pl.w + 8), x = pl.x + pl.w / 2 - w / 2, y = pl.y - 10;
      ctx.fillStyle = "rgba(0,0,0,0.5)"; ctx.fillRect(x - 1, y - 1, w + 2, 6);
      const f = Math.max(0, pl.hp / pl.maxHp);
      ctx.fillStyle = f > 0.5 ? "#5be37d" : f > 0.25 ? "#ffd34d" : "#ff4d6d";
      ctx.fillRect(x, y, w * f, 4);
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 110, y: 300, w: 24, h: 24, tags: ["enemy"] });    // touching from the start
    },
    update(g) { if (g.frame === 30) g.add({ x: 90, y: 310, w: 20, h: 20, tags: ["hazard"] }); },
    script: [{ wait: 60 }],
    check(g, rec) {
      // Two contacts (enemy, then hazard) over 60 frames of overlap: exactly 2 hp, no life lost.
      const pl = g.first("player");
      return pl.maxHp === 3 && pl.hp === 1 && rec.events.damage === 2 && g.lives === 3;
    },
  },
});
