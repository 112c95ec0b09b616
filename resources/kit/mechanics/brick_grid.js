// Brick grid: a wall of bricks to break; clearing it brings a taller wall.
(() => {
  const ROW_COLORS = ["#ff5d73", "#ff9f43", "#ffd34d", "#5be37d", "#4dd2ff", "#8c7bff", "#ff7ad9", "#c0cad6"];

  function build(g, p, s) {
    const rows = Math.min(10, Math.round(p.rows) + s.wave), cols = Math.max(1, Math.round(p.cols));
    const bw = (g.W - p.margin * 2 - p.gap * (cols - 1)) / cols;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
      const tough = r < p.tough_rows;
      g.add({ x: p.margin + c * (bw + p.gap), y: p.top + r * (p.height + p.gap), w: bw, h: p.height, tags: ["brick"],
        kit: "brick_grid", hp: tough ? 2 : 1, maxHp: tough ? 2 : 1, points: p.points * (tough ? 2 : 1),
        color: ROW_COLORS[r % ROW_COLORS.length] });
    }
  }

  Kit.mechanic({
    id: "brick_grid",
    name: "Brick wall",
    summary: "Builds a colourful wall of bricks (tougher ones on top); break them all and a taller wall arrives.",
    category: "physics",
    changes: ["goals", "observations"],
    requires: ["ball_bounce"],
    params: {
      rows: 5,         // rows in the first wall (1..9); each cleared wall adds one
      cols: 10,        // bricks per row (1..16)
      top: 70,         // y of the first row, px (30..250)
      height: 22,      // brick height, px (10..40)
      gap: 4,          // gap between bricks, px (0..12)
      margin: 40,      // left/right margin, px (0..150)
      tough_rows: 1,   // top rows whose bricks take two hits (0..5)
      points: 10,      // points per brick (double for tough ones) (1..100)
    },
    setup(g, p, s) {
      if (s.wave === undefined) { s.wave = 0; s.wait = 0; }
      if (!g.first("brick")) build(g, p, s);
    },
    update(g, dt, p, s) {
      if (s.wait > 0) {
        s.wait -= dt;
        if (s.wait <= 0) { build(g, p, s); g.emit("wall", { wave: s.wave }); }
        return;
      }
      if (!g.first("brick")) {
        s.wave += 1; s.wait = 1.0;
        g.sfx.play("powerup");
        g.fx.flash("#ffffff", 0.2);
        g.fx.text(g.W / 2, g.H / 2, "WALL CLEARED!", "#ffe066");
        g.emit("level_clear", { wave: s.wave });
      }
    },
    draw(g, ctx) {
      for (const b of g.entities) {
        if (b.kit !== "brick_grid" || b.dead) continue;
        g.drawEntity(ctx, b);
        if (b.maxHp > 1) {
          ctx.strokeStyle = "rgba(0,0,0,0.35)"; ctx.lineWidth = 2;
          ctx.strokeRect(b.x + 2, b.y + 2, b.w - 4, b.h - 4);
          if (b.hp < b.maxHp) {   // cracked
            ctx.beginPath(); ctx.moveTo(b.x + b.w * 0.3, b.y); ctx.lineTo(b.x + b.w * 0.45, b.y + b.h * 0.6);
            ctx.lineTo(b.x + b.w * 0.6, b.y + b.h); ctx.stroke();
          }
        }
      }
    },
    probe: {
      setup(g) {
        Object.assign(g.params("brick_grid"), { rows: 1, cols: 1, tough_rows: 0 });   // a one-brick wall
        g.add({ x: 0, y: 560, w: 800, h: 14, tags: ["paddle"] });
        g.add({ x: 200, y: 300, w: 14, h: 14, vx: 0, vy: -500, tags: ["ball"] });   // straight up into it
      },
      script: [{ wait: 110 }],
      check(g, rec) {
        // Built, broken, announced as cleared, and rebuilt one row taller a second later.
        const bricks = g.all("brick");
        return rec.at(0).count.brick === 1 && rec.events.brick === 1 && rec.events.level_clear === 1 &&
          bricks.length === 2 && bricks[1].y > bricks[0].y && g.score === 10;
      },
    },
  });
})();
