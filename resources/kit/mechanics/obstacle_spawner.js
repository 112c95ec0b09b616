// Obstacle spawner: an endless stream of hazards slides in from the right (endless runner).
(() => {
  // Top of the floor under the right edge of the screen, so obstacles sit on the ground.
  function groundY(g) {
    let y = g.H - 40;
    for (const s of g.all("solid")) if (s.x + s.w >= g.W - 40 && s.y > g.H * 0.4 && s.y < y) y = s.y;
    return y;
  }

  Kit.mechanic({
    id: "obstacle_spawner",
    name: "Obstacle spawner",
    summary: "Hazards (blocks on the ground, sometimes floating ones) slide in from the right at random gaps; faster as speed rises.",
    category: "spawning",
    changes: ["observations", "transitions"],
    params: {
      gap_min: 0.9,     // shortest time between obstacles, s (0.3..3)
      gap_max: 2.0,     // longest time between obstacles, s (0.5..5)
      speed: 320,       // slide speed at speed 1, px/s (100..900)
      min_h: 28,        // smallest obstacle height, px (10..120)
      max_h: 70,        // tallest obstacle height, px (20..200)
      width: 30,        // obstacle width, px (10..120)
      flying: 0.2,      // chance an obstacle floats at head height instead (0..1)
    },
    setup(g, p, s) { s.t = 1.0; },
    update(g, dt, p, s) {
      const sp = p.speed * (g.speed || 1);
      s.t -= dt * (g.speed || 1);
      if (s.t <= 0) {
        s.t = g.rand(p.gap_min, Math.max(p.gap_min, p.gap_max));
        const gy = groundY(g), h = Math.round(g.rand(p.min_h, Math.max(p.min_h, p.max_h)));
        const fly = g.random() < p.flying;
        const y = fly ? gy - 70 - h * 0.5 : gy - h;
        const e = g.add({ x: g.W + 10, y, w: p.width, h: fly ? Math.max(16, h * 0.5) : h, tags: ["hazard", "obstacle"],
          kit: "obstacle_spawner", color: fly ? "#c77dff" : "#ff8c42" });
        g.emit("obstacle", { e, x: e.x, y: e.y });
      }
      const pl = g.first("player");
      for (const o of g.all("obstacle")) {
        if (o.kit !== "obstacle_spawner") continue;
        o.x -= sp * dt;
        if (pl && !o.passed && o.x + o.w < pl.x) { o.passed = true; g.emit("obstacle_passed", { e: o, x: o.x, y: o.y }); }
        if (o.x + o.w < -20) o.dead = true;
      }
    },
    draw(g, ctx) {
      for (const o of g.entities) {
        if (o.kit !== "obstacle_spawner" || o.dead) continue;
        g.drawEntity(ctx, o);
        // Warning stripes.
        ctx.save(); ctx.beginPath(); ctx.rect(o.x, o.y, o.w, o.h); ctx.clip();
        ctx.strokeStyle = "rgba(0,0,0,0.25)"; ctx.lineWidth = 4;
        for (let k = -o.h; k < o.w + o.h; k += 12) { ctx.beginPath(); ctx.moveTo(o.x + k, o.y); ctx.lineTo(o.x + k - o.h, o.y + o.h); ctx.stroke(); }
        ctx.restore();
      }
    },
    probe: {
      setup(g) {
        g.add({ x: 0, y: 500, w: 800, h: 100, tags: ["solid"] });
        g.add({ x: 120, y: 300, w: 24, h: 24, tags: ["player"] });   // above the obstacles' path
      },
      script: [{ wait: 300 }],
      check(g, rec) {
        const obs = g.all("obstacle");
        return rec.events.obstacle >= 2 && rec.events.obstacle_passed >= 1 && obs.length >= 1 &&
          obs.every((o) => o.x < g.W + 10 && (o.y + o.h === 500 || o.y + o.h < 500 - 30));
      },
    },
  });
})();
