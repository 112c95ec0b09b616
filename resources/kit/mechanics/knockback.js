// Knockback: getting hit shoves the target away from whatever hit it.
Kit.mechanic({
  id: "knockback",
  name: "Knockback",
  summary: "Damage pushes the victim away from the source (and up a little in platformers).",
  category: "combat",
  changes: ["transitions", "feedback"],
  params: {
    force: 380,    // horizontal push, px/s (100..900)
    lift: 260,     // upward push when gravity is on, px/s (0..600)
  },
  setup(g, p, s) {
    s.queue = [];
    g.on("damage", (ev) => s.queue.push(ev));
  },
  update(g, dt, p, s) {
    const platformer = g.has("gravity");
    for (const ev of s.queue.splice(0)) {
      const t = ev.target, src = ev.source;
      if (!t || t.dead) continue;
      const tx = t.x + t.w / 2, ty = t.y + t.h / 2;
      let dx = src ? tx - (src.x + src.w / 2) : -(t.facing || 1);
      let dy = src && !platformer ? ty - (src.y + src.h / 2) : 0;
      const d = Math.hypot(dx, dy) || 1;
      t.vx = (dx / d) * p.force;
      t.vy = platformer ? -p.lift : (dy / d) * p.force;
      if (platformer) t.onGround = false;
      g.emit("knockback", { e: t, x: tx, y: ty });
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 300, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 320, y: 300, w: 24, h: 24, tags: ["enemy"] });    // to the player's right
    },
    update(g, dt) {
      const pl = g.first("player");
      if (g.frame === 5) g.hurt(pl, 1, g.first("enemy"));
      pl.x += pl.vx * dt; pl.y += pl.vy * dt;                     // the "game" integrates velocity
    },
    script: [{ wait: 20 }],
    check(g, rec) {
      return rec.events.knockback === 1 && g.first("player").x < 300 - 40;
    },
  },
});
