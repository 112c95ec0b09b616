// Auto-scroll: the world slides past at a steady (rising) pace; don't get left behind.
Kit.mechanic({
  id: "auto_scroll",
  name: "Auto-scroll",
  summary: "The world scrolls by on its own (sideways or downwards); everything but the player moves, and the player is pushed by the trailing edge.",
  category: "rules",
  changes: ["transitions", "observations"],
  params: {
    speed: 140,       // scroll speed at speed 1, px/s (20..600)
    direction: 0,     // 0 = world moves left (side-scroller), 1 = world moves down (vertical shooter)
    crush: 0,         // 1 = being pushed off the trailing edge costs a life
    recycle: 1,       // 1 = wide "ground" pieces wrap around to form an endless floor
  },
  setup(g, p, s) { if (!s.started) { s.started = true; g.scrollX = 0; g.scrollY = 0; } },
  update(g, dt, p) {
    const d = p.speed * (g.speed || 1) * dt;
    const down = p.direction === 1;
    if (down) g.scrollY += d; else g.scrollX += d;
    for (const e of g.entities) {
      if (e.dead || e.fixed || e.tags.includes("player") || e.tags.includes("ui")) continue;
      if (down) e.y += d; else e.x -= d;
      if (e.tags.includes("ground") && p.recycle) {
        // Endless floor: a ground piece that scrolled fully off re-enters on the far side.
        if (!down && e.x + e.w < 0) e.x += Math.max(g.W, e.w) + e.w;
        if (down && e.y > g.H) e.y -= Math.max(g.H, e.h) + e.h;
        continue;
      }
      if ((!down && e.x + e.w < -200) || (down && e.y > g.H + 200)) e.dead = true;   // long gone
    }
    for (const pl of g.all("player")) {
      // The trailing edge pushes the player along.
      if (!down && pl.x < 0) { pl.x = 0; if (p.crush) g.loseLife(); }
      if (down && pl.y + pl.h > g.H && !g.has("gravity")) { pl.y = g.H - pl.h; if (p.crush) g.loseLife(); }
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 200, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 700, y: 500, w: 60, h: 60, tags: ["solid"] });
      g.add({ x: 0, y: 560, w: 800, h: 40, tags: ["solid", "ground"] });
    },
    script: [{ wait: 120 }],
    check(g, rec) {
      // 2 s at 140 px/s: the block moved 280 px left; the player stayed; the floor still covers the screen.
      const block = g.all("solid").find((s) => !s.tags.includes("ground"));
      const ground = g.first("ground");
      return Math.abs(block.x - 420) < 1 && g.first("player").x === 200 && Math.abs(g.scrollX - 280) < 1 && ground.x < 0;
    },
  },
});
