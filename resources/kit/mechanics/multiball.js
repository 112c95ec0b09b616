// Multiball: broken bricks sometimes drop a capsule; catch it and every ball splits.
Kit.mechanic({
  id: "multiball",
  name: "Multiball",
  summary: "Broken bricks sometimes drop a capsule; catching it with the paddle splits every ball in play into several.",
  category: "physics",
  changes: ["resources", "transitions"],
  requires: ["ball_bounce"],
  params: {
    chance: 0.15,   // chance a broken brick drops a capsule (0..1)
    split: 2,       // extra balls per ball when caught (1..4)
    fall: 170,      // capsule fall speed, px/s (60..400)
    max_balls: 12,  // never more balls than this (2..40)
  },
  setup(g, p, s) {
    s.drops = [];
    g.on("brick", (ev) => { if (g.random() < p.chance) s.drops.push(ev); });
  },
  update(g, dt, p, s) {
    for (const d of s.drops.splice(0)) {
      g.add({ x: d.x - 16, y: d.y - 7, w: 32, h: 14, tags: ["multiball"], kit: "multiball", color: "#5be3c8" });
    }
    const catchers = [...g.all("paddle"), ...g.all("player")];
    for (const c of g.all("multiball")) {
      c.y += p.fall * dt;
      if (c.y > g.H) { c.dead = true; continue; }
      if (!catchers.some((k) => g.overlap(c, k))) continue;
      c.dead = true;
      let balls = g.all("ball").filter((b) => !b.stuck);
      for (const b of balls) {
        const sp = Math.hypot(b.vx, b.vy) || 380, a0 = Math.atan2(b.vy, b.vx);
        for (let i = 1; i <= p.split && g.all("ball").length < p.max_balls; i++) {
          const a = a0 + (i % 2 ? 1 : -1) * 0.35 * Math.ceil(i / 2);
          g.add({ x: b.x, y: b.y, w: b.w, h: b.h, vx: Math.cos(a) * sp, vy: Math.sin(a) * sp, tags: ["ball"],
            shape: "circle", color: "#5be3c8", kit: "ball_bounce" });
        }
      }
      g.sfx.play("powerup", { pitch: 1.25 });
      g.fx.burst(c.x + 16, c.y, c.color, 16);
      g.emit("multiball", { x: c.x + 16, y: c.y, balls: g.all("ball").length });
    }
  },
  draw(g, ctx) {
    for (const c of g.all("multiball")) {
      ctx.fillStyle = c.color; g.roundRect(ctx, c.x, c.y, c.w, c.h, 7); ctx.fill();
      ctx.fillStyle = "#0c2b27"; ctx.font = "800 11px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText("×3", c.x + c.w / 2, c.y + c.h / 2 + 1);
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 300, y: 560, w: 200, h: 14, tags: ["paddle"] });
      g.add({ x: 380, y: 400, w: 32, h: 14, tags: ["multiball"] });          // a capsule above the paddle
      g.add({ x: 100, y: 300, w: 14, h: 14, vx: 200, vy: -300, tags: ["ball"] });
    },
    script: [{ wait: 80 }],
    check(g, rec) {
      return rec.events.multiball === 1 && rec.at(0).count.ball === 1 && g.all("ball").length === 3 && !g.first("multiball");
    },
  },
});
