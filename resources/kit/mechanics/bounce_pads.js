// Bounce pads: springy pads that fling the player high into the air.
Kit.mechanic({
  id: "bounce_pads",
  name: "Bounce pads",
  summary: "Springy pads on the ground launch the player (and bodies) high into the air when landed on.",
  category: "physics",
  changes: ["actions", "transitions"],
  requires: ["gravity"],
  params: {
    strength: 1000,  // launch speed, px/s (400..1800)
    count: 2,        // pads placed on solid ground when the game has none (0..6)
    width: 48,       // pad width, px (24..120)
  },
  setup(g, p) {
    if (g.first("pad") || p.count <= 0) return;
    const pl = g.first("player");
    const grounds = g.all("solid").filter((s) => s.w >= p.width + 20 && s.y > 80 && s.y < g.H);
    for (let i = 0, tries = 0; i < p.count && grounds.length && tries < 40; tries++) {
      const s = grounds[Math.floor(g.random() * grounds.length)];
      const x = g.rand(s.x + 10, Math.min(s.x + s.w, g.W) - p.width - 10);
      const pad = { x, y: s.y - 10, w: p.width, h: 10 };
      if (pl && Math.abs(x + p.width / 2 - (pl.x + pl.w / 2)) < 80) continue;        // not under the spawn
      if (g.all("pad").some((o) => Math.abs(o.x - x) < p.width * 2 && o.y === pad.y)) continue;
      g.add(Object.assign(pad, { tags: ["pad"], kit: "bounce_pads", color: "#5be37d" }));
      i++;
    }
  },
  update(g, dt, p) {
    for (const pad of g.all("pad")) {
      pad.squash = Math.max(0, (pad.squash || 0) - dt * 4);
      for (const e of g.entities) {
        if (e.dead || !(e.tags.includes("player") || e.tags.includes("body")) || e.vy < 0) continue;
        if (!g.overlap(e, pad) || e.y + e.h > pad.y + pad.h + 2) continue;   // from above only
        e.vy = -(pad.strength || p.strength);
        e.onGround = false;
        e.airJumps = 0;               // a pad refreshes double jumps
        pad.squash = 1;
        g.sfx.play("bounce", { pitch: 0.75 });
        g.fx.burst(pad.x + pad.w / 2, pad.y, pad.color || "#5be37d", 10);
        g.emit("pad_bounce", { e, x: pad.x + pad.w / 2, y: pad.y });
      }
    }
  },
  draw(g, ctx) {
    for (const pad of g.all("pad")) {
      const sq = pad.squash || 0, h = pad.h * (1 - 0.5 * sq);
      ctx.strokeStyle = "#9aa7b5"; ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i <= 4; i++) ctx.lineTo(pad.x + 6 + ((i % 2) * (pad.w - 12)), pad.y + pad.h - (i / 4) * h);
      ctx.stroke();
      ctx.fillStyle = pad.color || "#5be37d";
      g.roundRect(ctx, pad.x, pad.y + pad.h - h - 4, pad.w, 6, 3); ctx.fill();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 0, y: 500, w: 800, h: 40, tags: ["solid"] });
      g.add({ x: 100, y: 490, w: 48, h: 10, tags: ["pad"] });
      g.add({ x: 112, y: 300, w: 24, h: 32, tags: ["player"] });
    },
    script: [{ wait: 60 }],
    check(g, rec) {
      // Dropped 170 px onto the pad and was flung well above where it started.
      const ys = rec.samples.filter(Boolean).map((s) => s.player_y);
      return rec.events.pad_bounce >= 1 && Math.min(...ys.slice(20)) < 300 - 60;
    },
  },
});
