// Speed ramp: the game runs faster and faster (runners: scroll and obstacle speed read g.speed).
Kit.mechanic({
  id: "speed_ramp",
  name: "Speed ramp",
  summary: "The pace keeps rising: scrolling, obstacles and distance points all speed up, with a cue at each step up.",
  category: "rules",
  changes: ["transitions"],
  params: {
    rate: 0.02,     // speed added per second (0.005..0.1)
    max: 2.5,       // speed cap (1.2..5)
    cue_every: 0.25,// emit "speed_up" (and a whoosh) every time speed grows by this much (0.1..1)
  },
  setup(g, p, s) { if (s.next === undefined) { g.speed = 1; s.next = 1 + p.cue_every; } },   // kept across levels
  update(g, dt, p, s) {
    g.speed = Math.min(p.max, g.speed + p.rate * dt);
    if (g.speed >= s.next - 1e-9 && s.next <= p.max) {
      s.next += p.cue_every;
      g.sfx.play("powerup", { pitch: 1.4 });
      g.fx.text(g.W / 2, g.H * 0.3, "FASTER!", "#4dd2ff");
      g.emit("speed_up", { speed: g.speed });
    }
  },
  probe: {
    setup() {},
    script: [{ wait: 1860 }],   // 31 s at 0.02/s: speed 1.62, cues at 1.25 and 1.5
    check(g, rec) {
      return Math.abs(g.speed - 1.62) < 0.01 && rec.events.speed_up === 2;
    },
  },
});
