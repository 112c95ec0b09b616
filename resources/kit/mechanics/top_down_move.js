// Top-down movement: eight-way walking with smooth acceleration, blocked by solids.
Kit.mechanic({
  id: "top_down_move",
  name: "Top-down movement",
  summary: "Arrows/WASD move the player in eight directions, easing in and out, stopping at solids.",
  category: "movement",
  changes: ["actions"],
  params: {
    speed: 240,        // top speed, px/s (100..500)
    accel: 12,         // responsiveness, 1/s (3..30; higher = snappier)
    keep_inside: 1,    // 1 = stay inside the screen
  },
  update(g, dt, p) {
    for (const e of g.all("player")) {
      if (!(e.dashT > 0)) {
        let dx = (g.input.down("right") ? 1 : 0) - (g.input.down("left") ? 1 : 0);
        let dy = (g.input.down("down") ? 1 : 0) - (g.input.down("up") ? 1 : 0);
        const n = Math.hypot(dx, dy) || 1;
        const k = 1 - Math.exp(-p.accel * dt);
        e.vx += ((dx / n) * p.speed - e.vx) * k;
        e.vy += ((dy / n) * p.speed - e.vy) * k;
        if (Math.abs(e.vx) < 1 && !dx) e.vx = 0;
        if (Math.abs(e.vy) < 1 && !dy) e.vy = 0;
      }
      const hit = g.move(e, e.vx * dt, e.vy * dt);
      if (hit.left || hit.right) e.vx = 0;
      if (hit.top || hit.bottom) e.vy = 0;
      if (p.keep_inside) {
        e.x = g.clamp(e.x, 0, g.W - e.w);
        e.y = g.clamp(e.y, 0, g.H - e.h);
      }
      if (Math.abs(e.vx) > 1) e.facing = Math.sign(e.vx);
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 100, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 300, y: 0, w: 40, h: 600, tags: ["solid"] });
    },
    script: [{ hold: "down", frames: 30 }, { hold: "right", frames: 90 }, { wait: 30 }],
    check(g, rec) {
      const pl = g.first("player");
      return rec.at(30).player_y > 180 && rec.at(30).player_x === 100 &&   // moved down only
        Math.abs(pl.x + pl.w - 300) < 0.01 && pl.vx === 0;                 // then right, stopped by the wall
    },
  },
});
