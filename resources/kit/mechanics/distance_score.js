// Distance score: points for surviving / travelling (endless runners, auto-scrollers).
Kit.mechanic({
  id: "distance_score",
  name: "Distance score",
  summary: "Score climbs steadily with distance travelled: time survived times the current speed, or the player's progress to the right.",
  category: "scoring",
  changes: ["resources"],
  params: {
    per_second: 10,   // points per second at speed 1 (1..100)
    mode: 0,          // 0 = time × speed (runners), 1 = the player's furthest x progress
    px_per_point: 20, // mode 1: pixels of progress per point (5..200)
    milestone: 100,   // emit "milestone" (and chime) every this many points, 0 = never (0..1000)
  },
  setup(g, p, s) {
    if (s.acc === undefined) { s.acc = 0; s.next = p.milestone; }   // kept across levels
    s.best = null;                                                  // progress restarts with each layout
  },
  update(g, dt, p, s) {
    if (p.mode === 1) {
      const pl = g.first("player");
      if (!pl) return;
      const x = pl.x + (g.scrollX || 0);
      if (s.best === null) s.best = x;
      if (x > s.best) { s.acc += (x - s.best) / p.px_per_point; s.best = x; }
    } else s.acc += p.per_second * (g.speed || 1) * dt;
    const whole = Math.floor(s.acc);
    if (whole >= 1) { s.acc -= whole; g.addScore(whole, undefined, undefined, "distance"); }
    if (p.milestone > 0 && g.score >= s.next) {
      s.next += p.milestone;
      g.sfx.play("blip", { pitch: 1.5 });
      g.emit("milestone", { score: g.score });
    }
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] }); },
    script: [{ wait: 120 }],
    check(g, rec) {
      // 2 s at 10 points/s, accrued steadily rather than in one lump.
      return g.score >= 19 && g.score <= 21 && rec.at(60).score >= 9 && rec.at(60).score <= 11;
    },
  },
});
