// Checkpoints: touching a flag moves the player's respawn point there.
Kit.mechanic({
  id: "checkpoint",
  name: "Checkpoints",
  summary: "Touching a checkpoint flag makes it the respawn point: after losing a life (or falling) the player returns there.",
  category: "rules",
  changes: ["transitions", "goals"],
  params: {
    points: 25,        // score for reaching a new checkpoint (0..200)
  },
  setup(g, p, s) {
    s.pending = false;
    for (const pl of g.all("player")) if (!pl.spawn) pl.spawn = { x: pl.x, y: pl.y };
    g.on("life_lost", () => { s.pending = true; });
  },
  update(g, dt, p, s) {
    for (const pl of g.all("player")) {
      if (!pl.spawn) pl.spawn = { x: pl.x, y: pl.y };
      for (const f of g.all("checkpoint")) {
        if (f.reached || !g.overlap(pl, f)) continue;
        for (const o of g.all("checkpoint")) o.current = false;
        f.reached = f.current = true;
        pl.spawn = { x: f.x + f.w / 2 - pl.w / 2, y: f.y + f.h - pl.h };
        if (p.points) g.addScore(p.points, f.x + f.w / 2, f.y - 10);
        g.sfx.play("powerup", { pitch: 1.1 });
        g.fx.burst(f.x + f.w / 2, f.y, "#5be37d", 16);
        g.emit("checkpoint", { e: f, x: f.x + f.w / 2, y: f.y });
      }
      // Without the lives module nobody else handles falling off the world or respawning.
      if (!g.has("lives") && pl.y > g.H + 60) g.loseLife();
    }
    if (s.pending && !g.has("lives") && g.phase === "playing") {
      for (const pl of g.all("player")) {
        pl.x = pl.spawn.x; pl.y = pl.spawn.y; pl.vx = pl.vy = 0;
        pl.invulnerable = Math.max(pl.invulnerable || 0, 1);
        g.emit("respawn", { e: pl, x: pl.x, y: pl.y });
      }
    }
    s.pending = false;
  },
  draw(g, ctx) {
    for (const f of g.all("checkpoint")) {
      const px = f.x + 4, top = f.y, wave = Math.sin(g.time * 5 + f.x) * 3;
      ctx.fillStyle = "#c0cad6"; ctx.fillRect(px, top, 3, f.h);
      ctx.fillStyle = f.reached ? "#5be37d" : "#8a94a6";
      ctx.beginPath(); ctx.moveTo(px + 3, top); ctx.lineTo(px + 25, top + 7 + wave); ctx.lineTo(px + 3, top + 15); ctx.closePath(); ctx.fill();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 32, tags: ["player"] });
      g.add({ x: 300, y: 290, w: 20, h: 42, tags: ["checkpoint"] });
    },
    update(g, dt) {
      const pl = g.first("player");
      pl.x += 300 * dt;                          // runs right, through the flag...
      if (g.frame === 60) g.loseLife();          // ...and dies further on
    },
    script: [{ wait: 61 }],
    check(g, rec) {
      // Respawned at the flag (x ≈ 298), not at the start (100).
      const pl = g.first("player");
      return rec.events.checkpoint === 1 && rec.at(59).player_x > 350 && Math.abs(pl.x - 298 - 5) < 8 && g.score === 25;
    },
  },
});
