// Wall jump: slide down walls and kick off them.
Kit.mechanic({
  id: "wall_jump",
  name: "Wall jump",
  summary: "Against a wall in mid-air the player slides slowly and can jump off it, away from the wall.",
  category: "movement",
  changes: ["actions"],
  requires: ["gravity", "jump"],
  params: {
    strength: 600,     // upward take-off speed, px/s (300..1000)
    push: 320,         // horizontal kick away from the wall, px/s (100..600)
    slide_speed: 140,  // max fall speed while touching a wall, px/s (40..400)
  },
  update(g, dt, p) {
    const pressed = g.input.pressed("action") || g.input.pressed("up");
    for (const e of g.all("player")) {
      if (e.onGround || !e.wallDir) continue;
      if (e.vy > p.slide_speed) e.vy = p.slide_speed;
      if (pressed && e.jumpFrame !== g.frame) {
        e.vy = -p.strength;
        e.vx = -e.wallDir * p.push;
        e.facing = -e.wallDir;
        e.jumping = true; e.jumpFrame = g.frame;
        g.sfx.play("jump", { pitch: 1.2 });
        g.fx.burst(e.wallDir > 0 ? e.x + e.w : e.x, e.y + e.h / 2, "rgba(255,255,255,0.8)", 8);
        g.emit("wall_jump", { x: e.x + e.w / 2, y: e.y + e.h / 2, e });
      }
    }
  },
  probe: {
    setup(g) {
      // Falling next to a tall wall on the right.
      g.add({ x: 376, y: 100, w: 24, h: 32, tags: ["player"] });
      g.add({ x: 400, y: 0, w: 40, h: 500, tags: ["solid"] });
      g.add({ x: 0, y: 500, w: 800, h: 40, tags: ["solid"] });
    },
    script: [{ wait: 30 }, { press: "action" }, { wait: 12 }],
    check(g, rec) {
      const pl = g.first("player");
      const slid = rec.at(30).player_y - rec.at(20).player_y < 40;   // slower than free fall (~90 px)
      return slid && rec.events.wall_jump === 1 && pl.x < 376 - 30 && pl.y < rec.at(31).player_y;
    },
  },
});
