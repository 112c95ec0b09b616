// Timing window: hit the action on the beat for points ("perfect" / "good" / "miss").
Kit.mechanic({
  id: "timing_window",
  name: "Timing window",
  summary: "Pressing Space close to a beat scores \"perfect\" or \"good\"; off the beat is a \"miss\" that breaks the streak.",
  category: "timing",
  changes: ["actions", "goals", "feedback"],
  requires: ["beat_clock"],
  params: {
    perfect: 0.05,       // seconds either side of the beat for a perfect (0.02..0.12)
    good: 0.12,          // seconds either side for a good (0.05..0.25)
    perfect_points: 100, // (10..500)
    good_points: 40,     // (0..300)
    miss_costs_life: 0,  // 1 = a miss costs a life
  },
  setup(g, p, s) { if (s.streak === undefined) { s.streak = 0; s.flash = 0; s.last = ""; } },
  update(g, dt, p, s) {
    s.flash = Math.max(0, s.flash - dt);
    if (!g.input.pressed("action") || !g.beat) return;
    // Distance to the nearest beat on the grid (beats at k × period, k ≥ 1).
    const T = g.beat.period, k = Math.max(1, Math.round(g.time / T)), off = g.time - k * T, d = Math.abs(off);
    const pl = g.first("player"), x = pl ? pl.x + pl.w / 2 : g.W / 2, y = pl ? pl.y - 10 : g.H / 2;
    let grade;
    if (d <= p.perfect) { grade = "perfect"; s.streak += 1; g.addScore(Math.round(p.perfect_points * (1 + Math.min(s.streak, 10) * 0.1))); g.sfx.play("coin", { pitch: 1.2 }); }
    else if (d <= p.good) { grade = "good"; s.streak += 1; g.addScore(p.good_points); g.sfx.play("blip"); }
    else { grade = "miss"; s.streak = 0; g.sfx.play("hit", { pitch: 0.7 }); if (p.miss_costs_life) g.loseLife(); }
    s.last = grade; s.flash = 0.4;
    const color = grade === "perfect" ? "#ffe066" : grade === "good" ? "#5be37d" : "#ff4d6d";
    g.fx.text(x, y, grade.toUpperCase(), color);
    g.emit(grade, { offset: off, streak: s.streak, x, y });
  },
  draw(g, ctx, p, s) {
    if (!g.beat || g.phase !== "playing") return;
    // Beat lane: markers slide towards a hit line on the left.
    const y = g.H - 70, hitX = 120, pxPerS = 260;
    ctx.fillStyle = "rgba(255,255,255,0.06)"; ctx.fillRect(0, y - 16, g.W, 32);
    ctx.fillStyle = s.flash > 0 ? (s.last === "miss" ? "#ff4d6d" : "#ffe066") : "rgba(255,255,255,0.5)";
    ctx.fillRect(hitX - 2, y - 20, 4, 40);
    const T = g.beat.period;
    for (let k = Math.ceil(g.time / T); k * T - g.time < (g.W - hitX) / pxPerS; k++) {
      const x = hitX + (k * T - g.time) * pxPerS;
      ctx.fillStyle = "#4dd2ff"; ctx.beginPath(); ctx.arc(x, y, 9, 0, Math.PI * 2); ctx.fill();
    }
    if (s.streak > 1) {
      ctx.font = "700 14px system-ui, sans-serif"; ctx.textAlign = "left"; ctx.fillStyle = "#ffe066";
      ctx.fillText(`streak ${s.streak}`, hitX + 16, y - 26);
    }
  },
  probe: {
    setup() {},
    // Beats fall on frames 30, 60, 90 (120 BPM). Presses: on frame 30, 5 frames late, mid-beat.
    script: [{ wait: 29 }, { press: "action" }, { wait: 34 }, { press: "action" }, { wait: 10 }, { press: "action" }, { wait: 5 }],
    check(g, rec) {
      return rec.events.perfect === 1 && rec.events.good === 1 && rec.events.miss === 1 && g.score === 110 + 40;
    },
  },
});
