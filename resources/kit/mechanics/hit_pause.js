// Hit pause: the game freezes for a few frames on big hits, giving them weight.
Kit.mechanic({
  id: "hit_pause",
  name: "Hit pause",
  summary: "A split-second freeze when something is hit hard, so impacts feel heavy.",
  category: "feedback",
  changes: ["feedback"],
  params: {
    seconds: 0.07,   // freeze length, s (0.02..0.25)
    events: ["damage", "enemy_killed", "target_hit", "life_lost"],
  },
  setup(g, p, s) {
    s.hit = false;
    for (const name of p.events) g.on(name, () => { s.hit = true; });
  },
  update(g, dt, p, s) {
    // Starts on the step after the hit, so the hit itself is drawn, then held.
    if (s.hit) { g.frozen = Math.max(g.frozen, p.seconds); s.hit = false; g.emit("hit_pause"); }
  },
  probe: {
    setup(g) { g.add({ x: 100, y: 300, w: 20, h: 20, tags: ["player"] }); },
    // The "game" moves the player 2 px per update and hits it on step 20.
    update(g) { g.first("player").x += 2; if (g.frame === 20) g.emit("damage", {}); },
    script: [{ wait: 60 }],
    check(g, rec) {
      // 60 steps but ~4 of them frozen: the player is short of 100 + 120.
      const x = g.first("player").x;
      return rec.events.hit_pause === 1 && x < 220 - 4 && x > 220 - 12 && rec.at(23).player_x === rec.at(22).player_x;
    },
  },
});
