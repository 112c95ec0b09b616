// Invincibility frames: after taking damage the player blinks and cannot be hurt for a moment.
Kit.mechanic({
  id: "invincibility_frames",
  name: "Invincibility frames",
  summary: "After being hurt the player flickers and is immune to damage for a short time.",
  category: "combat",
  changes: ["transitions", "feedback"],
  params: {
    seconds: 1.2,   // immunity after a hit, s (0.2..3)
  },
  setup(g, p, s) {
    s.hit = new Map();   // player -> step it was hit
    const mark = (t) => { if (t && t.tags.includes("player")) s.hit.set(t, g.frame); };
    g.on("damage", (ev) => mark(ev.target));
    g.on("life_lost", () => g.all("player").forEach(mark));
    // Until the next update grants the immunity, further hits in the same step are ignored.
    g.on("hurt", (ev) => { if (s.hit.get(ev.target) === g.frame) ev.cancelled = true; });
  },
  update(g, dt, p, s) {
    for (const [pl] of s.hit) {
      pl.invulnerable = Math.max(pl.invulnerable || 0, p.seconds);
      g.emit("invincible", { e: pl });
    }
    s.hit.clear();
    // Entities drawn with g.drawEntity blink by themselves; custom drawers can read e.blink.
    for (const pl of g.all("player")) pl.blink = pl.invulnerable > 0 && Math.floor(g.time * 16) % 2 === 0;
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] }); },
    // Hit twice at step 5 (same instant), at 30 (inside the 1.2 s window) and at 100 (after it).
    update(g) {
      const pl = g.first("player");
      if (g.frame === 5) { g.hurt(pl, 1, null); g.hurt(pl, 1, null); }
      if (g.frame === 30 || g.frame === 100) g.hurt(pl, 1, null);
    },
    script: [{ wait: 110 }],
    check(g, rec) {
      return rec.at(10).lives === 2 && rec.at(40).lives === 2 && g.lives === 1 && rec.events.invincible === 2;
    },
  },
});
