// Wrap edges: leaving one side of the screen brings you back on the other (Asteroids style).
Kit.mechanic({
  id: "wrap_edges",
  name: "Wrap-around edges",
  summary: "The player (and optionally enemies) leaving one edge of the screen reappear at the opposite edge.",
  category: "movement",
  changes: ["transitions"],
  params: {
    horizontal: 1,      // 1 = wrap left/right
    vertical: 1,        // 1 = wrap top/bottom (0 in platformers so falling still means falling)
    enemies: 1,         // 1 = enemies wrap too
  },
  update(g, dt, p) {
    for (const e of g.entities) {
      if (e.dead) continue;
      const wraps = e.tags.includes("player") || e.tags.includes("wrap") || (p.enemies && e.tags.includes("enemy"));
      if (!wraps) continue;
      // Wrap once the entity's centre crosses the edge, so it is half visible on each side.
      const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
      if (p.horizontal) {
        if (cx < 0) { e.x += g.W; g.emit("wrap", { e }); } else if (cx > g.W) { e.x -= g.W; g.emit("wrap", { e }); }
      }
      if (p.vertical) {
        if (cy < 0) { e.y += g.H; g.emit("wrap", { e }); } else if (cy > g.H) { e.y -= g.H; g.emit("wrap", { e }); }
      }
    }
  },
  draw(g, ctx) {
    // Ghost copies near an edge make the wrap read as continuous.
    for (const e of g.all("player")) {
      if (e.hidden) continue;
      ctx.globalAlpha = 0.5;
      if (e.x < 0) g.drawEntity(ctx, Object.assign({}, e, { x: e.x + g.W }));
      if (e.x + e.w > g.W) g.drawEntity(ctx, Object.assign({}, e, { x: e.x - g.W }));
      ctx.globalAlpha = 1;
    }
  },
  probe: {
    setup(g) { g.add({ x: 750, y: 300, w: 20, h: 20, tags: ["player"] }); },
    update(g, dt) { const pl = g.first("player"); pl.x += 300 * dt; pl.y -= 320 * dt; },  // the "game" moves it
    script: [{ wait: 60 }],
    check(g, rec) {
      const pl = g.first("player");
      // Drifted right and up for a second: it re-entered on the left and from the bottom.
      return rec.events.wrap >= 2 && pl.x >= -10 && pl.x < 300 && pl.y > 400 && pl.y < g.H;
    },
  },
});
