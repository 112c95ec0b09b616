// Gravity: platformer physics for entities tagged "player" or "body".
Kit.mechanic({
  id: "gravity",
  name: "Gravity",
  summary: "Players and bodies fall, land on solids and one-way platforms, and know when they stand on ground.",
  category: "movement",
  changes: ["transitions"],
  params: {
    g: 1800,          // downward acceleration, px/s² (600..3000)
    max_fall: 900,    // terminal fall speed, px/s (300..1500)
    run_speed: 0,     // 0 = the game steers vx itself; >0 = ←/→ run at this speed, px/s (120..400)
    run_accel: 2400,  // how fast run_speed is reached, px/s² (600..6000)
  },
  update(g, dt, p) {
    for (const e of g.entities) {
      if (e.dead || !(e.tags.includes("player") || e.tags.includes("body"))) continue;
      const steer = p.run_speed > 0 && e.tags.includes("player") && !(e.dashT > 0);
      if (steer) {
        const dir = (g.input.down("right") ? 1 : 0) - (g.input.down("left") ? 1 : 0);
        const target = dir * p.run_speed;
        const dv = p.run_accel * dt;
        e.vx = Math.abs(target - e.vx) <= dv ? target : e.vx + Math.sign(target - e.vx) * dv;
      }
      if (!(e.dashT > 0)) e.vy = Math.min(e.vy + p.g * dt, p.max_fall);
      const hit = g.move(e, e.vx * dt, e.vy * dt);
      if (hit.bottom && e.vy > 0) e.vy = 0;
      if (hit.top && e.vy < 0) e.vy = 0;
      if ((hit.left && e.vx < 0) || (hit.right && e.vx > 0)) e.vx = 0;
      e.onGround = hit.bottom;
      e.ground = hit.ground;
      e.airTime = e.onGround ? 0 : (e.airTime || 0) + dt;
      if (Math.abs(e.vx) > 1) e.facing = Math.sign(e.vx);
      // Touching a wall (for wall_jump): probe one pixel to each side.
      e.wallDir = 0;
      for (const s of g.all("solid")) {
        if (e.y + e.h <= s.y || e.y >= s.y + s.h) continue;
        if (Math.abs(e.x - (s.x + s.w)) < 0.5) e.wallDir = -1;
        else if (Math.abs(e.x + e.w - s.x) < 0.5) e.wallDir = 1;
      }
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 100, w: 24, h: 32, tags: ["player"] });
      g.add({ x: 0, y: 500, w: 800, h: 40, tags: ["solid"] });
      g.add({ x: 400, y: 300, w: 100, h: 10, tags: ["platform"] });
      g.add({ x: 430, y: 100, w: 20, h: 20, tags: ["body"] });
    },
    script: [{ wait: 90 }],
    check(g, rec) {
      const pl = g.first("player"), body = g.first("body");
      const fell = rec.at(10).player_y > 100;
      return fell && pl.onGround && Math.abs(pl.y + pl.h - 500) < 0.01 &&   // landed on the floor
        Math.abs(body.y + body.h - 300) < 0.01 && body.onGround;           // and on the one-way platform
    },
  },
});
