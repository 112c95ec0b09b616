// Dash: a quick burst of speed on the alt key, with a cooldown.
Kit.mechanic({
  id: "dash",
  name: "Dash",
  summary: "Press X/Shift for a short, fast dash in the facing (or held) direction; gravity pauses meanwhile.",
  category: "movement",
  changes: ["actions"],
  params: {
    speed: 900,        // dash speed, px/s (400..1600)
    duration: 0.14,    // dash length, s (0.05..0.4)
    cooldown: 0.6,     // time before the next dash, s (0.1..2)
    invulnerable: 1,   // 1 = cannot be hurt while dashing, 0 = can
  },
  update(g, dt, p, s) {
    const movers = g.has("gravity") || g.has("top_down_move");
    for (const e of g.all("player")) {
      e.dashCd = Math.max(0, (e.dashCd || 0) - dt);
      if (e.dashT > 0) {
        e.dashT -= dt;
        // Without a movement module nobody integrates velocity, so the dash moves the player itself.
        if (!movers) g.move(e, e.vx * dt, e.vy * dt);
        if (e.dashT <= 0) { e.vx = e.dashVx * 0.35; e.vy = e.dashVy * 0.35; }
        continue;
      }
      if (!g.input.pressed("alt") || e.dashCd > 0) continue;
      let dx = (g.input.down("right") ? 1 : 0) - (g.input.down("left") ? 1 : 0);
      let dy = g.has("gravity") ? 0 : (g.input.down("down") ? 1 : 0) - (g.input.down("up") ? 1 : 0);
      if (!dx && !dy) dx = e.facing || 1;
      const n = Math.hypot(dx, dy);
      e.dashVx = e.vx = (dx / n) * p.speed;
      e.dashVy = e.vy = (dy / n) * p.speed;
      e.dashT = p.duration; e.dashCd = p.cooldown;
      if (p.invulnerable) e.invulnerable = Math.max(e.invulnerable || 0, p.duration);
      g.sfx.play("shoot", { pitch: 0.6 });
      g.emit("dash", { x: e.x + e.w / 2, y: e.y + e.h / 2, e });
    }
  },
  draw(g, ctx) {
    for (const e of g.all("player")) {
      if (!(e.dashT > 0)) continue;
      ctx.fillStyle = "rgba(140,220,255,0.35)";
      for (let i = 1; i <= 3; i++) ctx.fillRect(e.x - e.vx * 0.012 * i, e.y - e.vy * 0.012 * i, e.w, e.h);
    }
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"], facing: 1 }); },
    script: [{ wait: 5 }, { press: "alt" }, { wait: 20 }, { press: "alt" }, { wait: 5 }],
    check(g, rec) {
      const moved = g.first("player").x - 100;
      // One dash of ~0.14 s at 900 px/s; the second press is still on cooldown.
      return rec.events.dash === 1 && moved > 100 && moved < 200 && rec.at(10).player_x > 150;
    },
  },
});
