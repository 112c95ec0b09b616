// Combo: scoring again quickly builds a combo that multiplies points.
Kit.mechanic({
  id: "combo_score",
  name: "Combo scoring",
  summary: "Each score within a short window of the last grows a combo that multiplies points; a pause breaks it.",
  category: "scoring",
  changes: ["resources", "feedback"],
  params: {
    window: 1.5,   // seconds allowed between scores to keep the combo (0.3..5)
    step: 0.5,     // extra multiplier per combo level (0.1..2)
    max: 4,        // highest multiplier (1.5..10)
  },
  setup(g, p, s) {
    s.combo = 0; s.t = 0;
    // Any points count (coins, kills, bricks...). The multiplier applies to the *next* score, so the first hit of a chain scores plainly.
    g.on("score", (ev) => {
      if (!ev || ev.n <= 0 || ev.source === "distance") return;   // passive trickles do not chain
      s.combo += 1; s.t = p.window; s.shown = 0.6;
      g.multipliers.combo = Math.min(p.max, 1 + p.step * s.combo);
      if (s.combo >= 2) g.emit("combo", { n: s.combo, x: ev.x, y: ev.y });
    });
  },
  update(g, dt, p, s) {
    s.shown = Math.max(0, (s.shown || 0) - dt);
    if (s.combo <= 0) return;
    s.t -= dt;
    if (s.t <= 0) {
      if (s.combo >= 3) g.emit("combo_end", { n: s.combo });
      s.combo = 0; g.multipliers.combo = 1;
    }
  },
  draw(g, ctx, p, s) {
    if (!(s.combo >= 2) || g.phase !== "playing") return;
    const k = 1 + (s.shown || 0) * 0.5, f = Math.max(0, s.t / p.window);
    ctx.font = `800 ${Math.round(22 * k)}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.fillStyle = "#ffb347"; ctx.fillText(`COMBO x${s.combo}`, g.W / 2, 30);
    ctx.fillStyle = "rgba(255,179,71,0.6)"; ctx.fillRect(g.W / 2 - 50, 46, 100 * f, 3);
  },
  probe: {
    setup() {},
    update(g) { if (g.input.pressed("action")) g.addScore(10); },   // the "game" scores on each press
    // Three quick scores, a long pause, then one more.
    script: [{ press: "action" }, { wait: 10 }, { press: "action" }, { wait: 10 }, { press: "action" }, { wait: 150 }, { press: "action" }],
    check(g, rec) {
      // 10 + 15 + 20 during the chain, then plain 10 after it broke.
      return rec.at(25).score === 45 && g.score === 55 && rec.events.combo === 2;
    },
  },
});
