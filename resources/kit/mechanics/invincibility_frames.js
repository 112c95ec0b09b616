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
  setup(g, p) {
    // Applied at once (not on the next step) so two hits in the same step cannot both land.
    g.on("damage", (ev) => {
      if (ev.target && ev.target.tags.includes("player")) {
        ev.target.invulnerable = Math.max(ev.target.invulnerable || 0, p.seconds);
        g.emit("invincible", { e: ev.target });
      }
    });
    g.on("life_lost", () => {
      for (const pl of g.all("player")) pl.invulnerable = Math.max(pl.invulnerable || 0, p.seconds);
    });
  },
  update(g) {
    // Flicker: entities drawn with g.drawEntity already blink; custom drawers can read e.blink.
    for (const pl of g.all("player")) pl.blink = pl.invulnerable > 0 && Math.floor(g.time * 16) % 2 === 0;
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] }); },
    // Hit at steps 5 and 30 (inside the 1.2 s window) and 100 (after it).
    update(g) { if (g.frame === 5 || g.frame === 30 || g.frame === 100) g.hurt(g.first("player"), 1, null); },
    script: [{ wait: 110 }],
    check(g, rec) {
      return rec.at(10).lives === 2 && rec.at(40).lives === 2 && g.lives === 1 && rec.events.invincible === 2;
    },
  },
});
