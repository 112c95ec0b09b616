// Score multiplier: a pickup that doubles (or more) every point for a while.
Kit.mechanic({
  id: "score_multiplier",
  name: "Score multiplier",
  summary: "Glowing ×2 pickups appear now and then; grabbing one multiplies all points for a few seconds.",
  category: "scoring",
  changes: ["resources"],
  params: {
    factor: 2,         // multiplier while active (1.5..5)
    duration: 6,       // seconds it lasts (2..20)
    spawn_every: 14,   // seconds between pickups, 0 = only ones the game places (0..60)
  },
  setup(g, p, s) { s.next = p.spawn_every; s.t = 0; },
  update(g, dt, p, s) {
    if (p.spawn_every > 0 && !g.first("multiplier")) {
      s.next -= dt;
      if (s.next <= 0) {
        s.next = p.spawn_every;
        g.add({ x: g.rand(60, g.W - 90), y: g.rand(120, g.H - 160), w: 30, h: 22, tags: ["multiplier"], kit: "score_multiplier", color: "#b388ff" });
      }
    }
    for (const pl of g.all("player")) for (const m of g.all("multiplier")) {
      if (!g.overlap(pl, m)) continue;
      m.dead = true;
      s.t = p.duration;
      g.multipliers.pickup = p.factor;
      g.sfx.play("powerup", { pitch: 1.5 });
      g.fx.text(m.x + 15, m.y, `x${p.factor} POINTS`, "#d7b8ff");
      g.emit("multiplier", { factor: p.factor, x: m.x + 15, y: m.y });
    }
    if (s.t > 0) {
      s.t -= dt;
      if (s.t <= 0) { g.multipliers.pickup = 1; g.emit("multiplier_end"); }
    }
  },
  draw(g, ctx, p, s) {
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    for (const m of g.all("multiplier")) {
      const cy = m.y + 11 + Math.sin(g.time * 4) * 3;
      ctx.fillStyle = "rgba(179,136,255,0.3)"; g.roundRect(ctx, m.x - 3, cy - 14, 36, 28, 8); ctx.fill();
      ctx.fillStyle = m.color; g.roundRect(ctx, m.x, cy - 11, 30, 22, 6); ctx.fill();
      ctx.fillStyle = "#1b1030"; ctx.font = "800 13px system-ui, sans-serif"; ctx.fillText(`x${p.factor}`, m.x + 15, cy + 1);
    }
    if (s.t > 0 && g.phase === "playing") {
      ctx.fillStyle = "#d7b8ff"; ctx.font = "800 16px system-ui, sans-serif";
      ctx.fillText(`x${p.factor}  ${s.t.toFixed(1)}s`, g.W / 2, g.H - 20);
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 105, y: 302, w: 30, h: 22, tags: ["multiplier"] });
    },
    update(g) { if (g.input.pressed("action")) g.addScore(10); },
    script: [{ wait: 5 }, { press: "action" }, { wait: 400 }, { press: "action" }],
    check(g, rec) {
      // Doubled while active, plain again once it ran out.
      return rec.events.multiplier === 1 && rec.at(10).score === 20 && g.score === 30;
    },
  },
});
