// Goal tiles: cover every goal (with blocks, or by standing on it) to finish the level.
Kit.mechanic({
  id: "goal_tiles",
  name: "Goal tiles",
  summary: "Marked goal tiles must all be covered by blocks (or by the player when there are no blocks); then the level is complete and the next one loads.",
  category: "puzzle",
  changes: ["goals"],
  requires: ["grid_move"],
  params: {
    bonus: 100,     // points for completing a level (0..1000)
    move_bonus: 5,  // extra points per move under par (e.par on the first goal), 0 = none (0..50)
    advance: 1.2,   // seconds until g.nextLevel() is called, 0 = stay (the game handles "level_complete")
  },
  setup(g, p, s) { s.done = false; s.t = 0; },
  update(g, dt, p, s) {
    const goals = g.all("goal");
    if (s.done) {
      if (p.advance > 0) { s.t += dt; if (s.t >= p.advance) { s.done = false; g.nextLevel(); } }
      return;
    }
    if (!goals.length) return;
    const blocks = g.all("block"), coverers = blocks.length ? blocks : g.all("player");
    for (const goal of goals) goal.covered = coverers.some((c) => c.gx === goal.gx && c.gy === goal.gy);
    if (!goals.every((goal) => goal.covered)) return;
    s.done = true; s.t = 0;
    const par = goals[0].par || 0, under = par ? Math.max(0, par - (g.moves || 0)) : 0;
    g.addScore(p.bonus + under * p.move_bonus, g.W / 2, g.H / 2 + 30);
    g.sfx.play("powerup");
    g.fx.flash("#fff5c0", 0.25);
    g.fx.text(g.W / 2, g.H / 2, "LEVEL COMPLETE!", "#ffe066");
    g.emit("level_complete", { level: g.level, moves: g.moves });
  },
  draw(g, ctx) {
    const gp = g.params("grid_move");
    for (const goal of g.all("goal")) {
      const cx = goal.x + goal.w / 2, cy = goal.y + goal.h / 2, r = (gp ? gp.tile : 40) * 0.32;
      ctx.strokeStyle = goal.covered ? "#5be37d" : `rgba(255,224,102,${0.55 + 0.25 * Math.sin(g.time * 4)})`;
      ctx.lineWidth = 3; ctx.setLineDash([5, 4]);
      ctx.beginPath(); ctx.arc(cx, cy, r, 0, Math.PI * 2); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = goal.covered ? "rgba(91,227,125,0.25)" : "rgba(255,224,102,0.12)";
      ctx.beginPath(); ctx.arc(cx, cy, r - 3, 0, Math.PI * 2); ctx.fill();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 80, y: 80, w: 40, h: 40, tags: ["player"] });    // (2, 2)
      g.add({ x: 160, y: 80, w: 40, h: 40, tags: ["goal"] });     // (4, 2): an exit tile (no blocks)
    },
    script: [{ press: "right" }, { wait: 6 }, { press: "right" }, { wait: 90 }],
    check(g, rec) {
      // Not complete after one step; complete on reaching the goal; then the next level was built.
      return rec.at(5).score === 0 && rec.events.level_complete === 1 && rec.events.level === 1 &&
        g.level === 2 && g.first("player").gx === 2 && g.score === 100;
    },
  },
});
