// Coyote time: a jump still works for a moment after running off a ledge.
Kit.mechanic({
  id: "coyote_time",
  name: "Coyote time",
  summary: "A short grace period after walking off a ledge during which the player can still jump.",
  category: "movement",
  changes: ["actions"],
  requires: ["gravity", "jump"],
  params: {
    seconds: 0.12,   // grace period after leaving the ground (0.03..0.3)
  },
  update(g, dt, p) {
    for (const e of g.all("player")) {
      // jump reads e.coyote > 0 on the next step; it zeroes it when the jump is used.
      if (e.onGround) e.coyote = p.seconds;
      else e.coyote = Math.max(0, (e.coyote || 0) - dt);
      if (e.jumping) e.coyote = 0;
    }
  },
  probe: {
    setup(g) {
      // Standing at the right edge of a ledge, walking right.
      g.add({ x: 170, y: 268, w: 24, h: 32, vx: 120, tags: ["player"] });
      g.add({ x: 0, y: 300, w: 200, h: 40, tags: ["solid"] });
    },
    // It leaves the ledge on step 15; the press lands on step 19, a little late.
    script: [{ wait: 18 }, { hold: "action", frames: 12 }, { wait: 8 }],
    check(g, rec) {
      return rec.at(17).player_y > 268 && rec.events.jump === 1 && g.first("player").y < 268 - 30;
    },
  },
});
