// Moving platforms: entities tagged "moving" glide back and forth and carry whoever stands on them.
Kit.mechanic({
  id: "moving_platforms",
  name: "Moving platforms",
  summary: "Platforms tagged \"moving\" sway back and forth along a path and carry the player riding them.",
  category: "movement",
  changes: ["transitions"],
  requires: ["gravity"],
  params: {
    range_x: 120,   // default horizontal travel each way, px (0..300); an entity's own e.rangeX wins
    range_y: 0,     // default vertical travel each way, px (0..200); e.rangeY wins
    period: 3,      // seconds for a full back-and-forth (1..8); e.period wins
  },
  update(g, dt, p) {
    const riders = g.entities.filter((e) => !e.dead && e.ground && (e.tags.includes("player") || e.tags.includes("body")));
    for (const m of g.all("moving")) {
      if (m.ox === undefined) { m.ox = m.x; m.oy = m.y; m.phase = m.phase || 0; }
      m.phase += dt;
      const w = (Math.PI * 2) / (m.period || p.period);
      const rx = m.rangeX !== undefined ? m.rangeX : p.range_x;
      const ry = m.rangeY !== undefined ? m.rangeY : p.range_y;
      const nx = m.ox + Math.sin(m.phase * w) * rx, ny = m.oy + Math.sin(m.phase * w) * ry;
      m.dx = nx - m.x; m.dy = ny - m.y;    // per-step motion, read by g.move for one-way landings
      m.x = nx; m.y = ny;
      for (const r of riders) {
        if (r.ground !== m) continue;
        r.x += m.dx;
        r.y = m.y - r.h;
      }
    }
  },
  draw(g, ctx, p) {
    // A faint dashed rail shows where each platform travels.
    ctx.strokeStyle = "rgba(255,255,255,0.12)"; ctx.setLineDash([4, 6]);
    for (const m of g.all("moving")) {
      if (m.ox === undefined) continue;
      const rx = m.rangeX !== undefined ? m.rangeX : p.range_x, ry = m.rangeY !== undefined ? m.rangeY : p.range_y;
      const cx = m.ox + m.w / 2, cy = m.oy + m.h / 2;
      ctx.beginPath(); ctx.moveTo(cx - rx, cy - ry); ctx.lineTo(cx + rx, cy + ry); ctx.stroke();
    }
    ctx.setLineDash([]);
  },
  probe: {
    setup(g) {
      g.add({ x: 300, y: 400, w: 120, h: 16, tags: ["platform", "moving"] });
      g.add({ x: 340, y: 300, w: 24, h: 32, tags: ["player"] });
    },
    script: [{ wait: 45 }],   // a quarter period: the platform is at its far right
    check(g, rec) {
      const pl = g.first("player"), m = g.first("moving");
      return m.x > 400 && pl.ground === m && pl.x > 340 + 40 && Math.abs(pl.y + pl.h - m.y) < 0.01;
    },
  },
});
