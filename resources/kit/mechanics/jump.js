// Jump: Space/↑ launches the player off the ground; letting go early cuts the jump short.
Kit.mechanic({
  id: "jump",
  name: "Jump",
  summary: "Press Space or ↑ on the ground to jump; release early for a shorter hop.",
  category: "movement",
  changes: ["actions"],
  requires: ["gravity"],
  params: {
    strength: 640,   // take-off speed, px/s (300..1100)
    cut: 0.45,       // vertical speed kept when the key is released while rising (0.2..1; 1 = no cut)
  },
  update(g, dt, p) {
    const pressed = g.input.pressed("action") || g.input.pressed("up");
    for (const e of g.all("player")) {
      if (e.onGround) e.jumping = false;
      // Ground or a coyote-time grace period (coyote_time keeps e.coyote > 0 just after leaving ground).
      if (pressed && e.jumpFrame !== g.frame && (e.onGround || e.coyote > 0)) {
        e.vy = -p.strength;
        e.onGround = false; e.coyote = 0; e.jumping = true; e.jumpFrame = g.frame;
        g.sfx.play("jump");
        g.emit("jump", { x: e.x + e.w / 2, y: e.y + e.h, e });
      }
      const held = g.input.down("action") || g.input.down("up");
      if (e.jumping && !held && e.vy < 0) { e.vy *= p.cut; e.jumping = false; }
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 468, w: 24, h: 32, tags: ["player"] });
      g.add({ x: 0, y: 500, w: 800, h: 40, tags: ["solid"] });
    },
    script: [{ wait: 10 }, { hold: "action", frames: 20 }, { wait: 60 }],
    check(g, rec) {
      const apex = Math.min(...rec.samples.filter(Boolean).map((s) => s.player_y));
      return rec.events.jump === 1 && apex < 468 - 80 && g.first("player").onGround;
    },
  },
});
