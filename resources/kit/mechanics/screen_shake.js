// Screen shake on impactful events.
Kit.mechanic({
  id: "screen_shake",
  name: "Screen shake",
  summary: "The screen shakes when something hits hard: damage, kills, explosions, lost balls.",
  category: "feedback",
  changes: ["feedback"],
  params: {
    magnitude: 7,     // shake strength, px (1..20)
    duration: 0.25,   // seconds (0.05..0.8)
    events: ["damage", "enemy_killed", "target_hit", "ball_lost", "brick", "miss", "pad_bounce"],
  },
  setup(g, p, s) {
    s.kick = 0;
    // Small events (a brick) shake less than big ones (damage); the strongest of a step wins.
    const weight = { brick: 0.35, pad_bounce: 0.4, miss: 0.5, enemy_killed: 0.6 };
    for (const name of p.events) g.on(name, () => { s.kick = Math.max(s.kick, weight[name] || 1); });
  },
  update(g, dt, p, s) {
    if (s.kick > 0) { g.fx.shake(p.magnitude * s.kick, p.duration); s.kick = 0; }
  },
  probe: {
    setup() {},
    update(g) { if (g.frame === 20) g.emit("damage", {}); },
    script: [{ wait: 24 }],
    check(g, rec) {
      // Shaking right after the event (the core's own shakes are not involved here).
      return rec.events.damage === 1 && g.fx.shakeLevel > 3;
    },
  },
});
