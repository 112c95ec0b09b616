// Difficulty ramp: the game slowly gets harder (spawners read g.difficulty).
Kit.mechanic({
  id: "difficulty_ramp",
  name: "Difficulty ramp",
  summary: "Difficulty climbs in levels over time: spawners spawn faster and enemies move quicker, with a \"Level N\" call-out at each step.",
  category: "rules",
  changes: ["transitions"],
  params: {
    level_time: 20,   // seconds per level (5..120)
    step: 0.25,       // difficulty added per level (0.05..1)
    max: 3,           // difficulty cap (1.2..6)
  },
  // Module state survives g.nextLevel(), so the ramp keeps climbing across levels.
  setup(g, p, s) { if (s.t === undefined) { s.level = 1; s.t = 0; g.difficulty = 1; } },
  update(g, dt, p, s) {
    s.t += dt;
    const level = 1 + Math.floor(s.t / p.level_time);
    // Ease towards the level's target so the change is felt, not jolted.
    const target = Math.min(p.max, 1 + (level - 1) * p.step);
    g.difficulty += (target - g.difficulty) * (1 - Math.exp(-2 * dt));
    if (level > s.level && target > 1 + (s.level - 1) * p.step) {
      s.level = level;
      g.sfx.play("powerup", { pitch: 0.8 });
      g.fx.text(g.W / 2, g.H * 0.4, `LEVEL ${level}`, "#ffb347");
      g.emit("level_up", { level, difficulty: target });
    }
    g.difficultyLevel = s.level;
  },
  probe: {
    setup(g) { Object.assign(g.params("difficulty_ramp"), { level_time: 5 }); },
    script: [{ wait: 1000 }],   // 16.7 s: levels 2, 3 and 4 arrive at 5, 10 and 15 s
    check(g, rec) {
      return rec.events.level_up === 3 && g.difficultyLevel === 4 && g.difficulty > 1.6 && g.difficulty <= 1.75;
    },
  },
});
