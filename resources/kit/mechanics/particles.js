// Particles: colourful bursts where things happen.
Kit.mechanic({
  id: "particles",
  name: "Particle bursts",
  summary: "Bursts of particles where coins are grabbed, enemies pop, bricks break, jumps kick off and pads spring.",
  category: "feedback",
  changes: ["feedback"],
  params: {
    amount: 1,   // particle count multiplier (0.2..4)
    colors: { coin: "#ffd34d", enemy_killed: "#ff7a59", brick: "#ffb347", jump: "#d8e2ee", double_jump: "#b8f1ff",
      wall_jump: "#d8e2ee", pad_bounce: "#5be37d", checkpoint: "#5be37d", perfect: "#ffe066", good: "#5be37d",
      target_hit: "#ff6b6b", respawn: "#ffffff", level_clear: "#ffe066", level_complete: "#ffe066" },
  },
  setup(g, p, s) {
    s.q = [];
    for (const name of Object.keys(p.colors)) g.on(name, (ev) => s.q.push({ name, ev: ev || {} }));
  },
  update(g, dt, p, s) {
    for (const { name, ev } of s.q.splice(0)) {
      let x = ev.x, y = ev.y;
      const e = ev.e || ev.target;
      if ((x === undefined || y === undefined) && e) { x = e.x + e.w / 2; y = e.y + e.h / 2; }
      if (x === undefined || y === undefined) {
        const pl = g.first("player");
        if (pl) { x = pl.x + pl.w / 2; y = pl.y + pl.h / 2; } else { x = g.W / 2; y = g.H / 2; }
      }
      const big = name === "level_clear" || name === "level_complete";
      const small = name === "jump" || name === "wall_jump" || name === "good";
      g.fx.burst(x, y, p.colors[name], Math.round((big ? 60 : small ? 6 : 16) * p.amount));
    }
  },
  probe: {
    setup() {},
    update(g) { if (g.frame === 20) g.emit("coin", { x: 300, y: 200 }); },
    script: [{ wait: 25 }],
    check(g, rec) { return rec.events.coin === 1 && g.fx.particles >= 10; },
  },
});
