// Lives: hazards (and enemies, without health) cost a life; the player respawns at the last safe spot.
Kit.mechanic({
  id: "lives",
  name: "Lives and respawn",
  summary: "The player has a few lives; touching a hazard (or an enemy, when there is no health bar) or falling off the world costs one and respawns the player.",
  category: "rules",
  changes: ["resources", "transitions"],
  params: {
    count: 3,          // lives per game (1..9)
    fall_death: 1,     // 1 = falling below the screen costs a life
    respawn: 1,        // 1 = put the player back at its spawn point (or last checkpoint)
    invulnerable: 1.5, // seconds of safety after respawning (0..4)
  },
  setup(g, p, s) {
    if (!s.started) { s.started = true; g.lives = p.count; }   // not again on g.nextLevel()
    s.pending = false;
    for (const pl of g.all("player")) if (!pl.spawn) pl.spawn = { x: pl.x, y: pl.y };
    g.on("life_lost", () => { s.pending = true; });
  },
  update(g, dt, p, s) {
    const touchEnemies = !g.has("health");
    for (const pl of g.all("player")) {
      if (!pl.spawn) pl.spawn = { x: pl.x, y: pl.y };
      if (p.fall_death && pl.y > g.H + 60) { g.loseLife(); continue; }
      for (const o of g.entities) {
        if (o.dead || !g.overlap(pl, o)) continue;
        if (o.tags.includes("hazard") || (touchEnemies && o.tags.includes("enemy"))) { g.hurt(pl, 1, o); break; }
      }
    }
    // Respawn after any life loss (from here or from other modules / the game).
    if (s.pending && p.respawn && g.phase === "playing") {
      for (const pl of g.all("player")) {
        pl.x = pl.spawn.x; pl.y = pl.spawn.y; pl.vx = pl.vy = 0;
        pl.invulnerable = Math.max(pl.invulnerable || 0, p.invulnerable);
        g.fx.burst(pl.x + pl.w / 2, pl.y + pl.h / 2, "#ffffff", 14);
        g.emit("respawn", { e: pl, x: pl.x, y: pl.y });
      }
    }
    s.pending = false;
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 300, y: 290, w: 30, h: 40, tags: ["hazard"] });
    },
    update(g, dt) { g.first("player").x += 240 * dt; },   // the "game" walks the player into the hazard
    script: [{ wait: 90 }],
    check(g, rec) {
      // Walked in, lost one life, was sent back to x = 100, and was safe long enough not to lose more.
      const xs = rec.samples.filter(Boolean).map((s) => s.player_x);
      return g.lives === 2 && rec.events.respawn === 1 && xs.some((x, i) => i > 0 && x < xs[i - 1] - 100);
    },
  },
});
