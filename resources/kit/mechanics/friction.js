// Friction: bodies slow down when nothing pushes them.
Kit.mechanic({
  id: "friction",
  name: "Friction",
  summary: "Horizontal speed of players and bodies decays when there is no steering input: quick on ground, gentle in the air.",
  category: "movement",
  changes: ["transitions"],
  params: {
    ground: 10,    // decay rate on ground (or always, without gravity), 1/s (1..30)
    air: 1.5,      // decay rate in the air, 1/s (0..10)
  },
  update(g, dt, p) {
    const steering = g.input.down("left") || g.input.down("right");
    const topDown = !g.has("gravity");
    for (const e of g.entities) {
      if (e.dead || e.dashT > 0 || !(e.tags.includes("player") || e.tags.includes("body"))) continue;
      if (steering && e.tags.includes("player")) continue;
      const rate = topDown || e.onGround ? p.ground : p.air;
      const k = Math.exp(-rate * dt);
      e.vx *= k;
      if (topDown && !(e.tags.includes("player") && (g.input.down("up") || g.input.down("down")))) e.vy *= k;
      if (Math.abs(e.vx) < 2) e.vx = 0;
    }
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 20, h: 20, vx: 300, tags: ["player"] }); },
    update(g, dt) { const pl = g.first("player"); pl.x += pl.vx * dt; },   // the "game" integrates x
    script: [{ wait: 60 }],
    check(g, rec) {
      const pl = g.first("player");
      return pl.vx === 0 && pl.x > 110 && pl.x < 160;   // slid ~30 px instead of 300
    },
  },
});
