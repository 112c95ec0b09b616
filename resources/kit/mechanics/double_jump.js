// Double jump: one (or more) extra jumps in mid-air.
Kit.mechanic({
  id: "double_jump",
  name: "Double jump",
  summary: "The player can jump once more while airborne.",
  category: "movement",
  changes: ["actions"],
  requires: ["gravity", "jump"],
  params: {
    extra_jumps: 1,   // air jumps before landing again (1..3)
    strength: 0.85,   // fraction of the ground jump's take-off speed (0.5..1.2)
  },
  update(g, dt, p) {
    const jp = g.params("jump") || { strength: 640 };
    const pressed = g.input.pressed("action") || g.input.pressed("up");
    for (const e of g.all("player")) {
      if (e.onGround) { e.airJumps = 0; continue; }
      // Another jump already happened this step (ground, coyote or wall jump takes priority).
      if (!pressed || e.jumpFrame === g.frame) continue;
      if (e.wallDir && g.has("wall_jump")) continue;
      if ((e.airJumps || 0) >= p.extra_jumps) continue;
      e.airJumps = (e.airJumps || 0) + 1;
      e.vy = -jp.strength * p.strength;
      e.jumping = true; e.jumpFrame = g.frame;
      g.sfx.play("jump", { pitch: 1.35 });
      g.fx.burst(e.x + e.w / 2, e.y + e.h, "rgba(255,255,255,0.8)", 8);
      g.emit("double_jump", { x: e.x + e.w / 2, y: e.y + e.h, e });
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 468, w: 24, h: 32, tags: ["player"] });
      g.add({ x: 0, y: 500, w: 800, h: 40, tags: ["solid"] });
    },
    script: [{ wait: 30 }, { press: "action" }, { wait: 10 }, { press: "action" }, { wait: 5 }],
    check(g, rec) {
      // After the second press the player rises again instead of falling.
      return rec.events.double_jump === 1 && g.first("player").y < rec.at(40).player_y;
    },
  },
});
