// Paddle control: the paddle follows the mouse/finger, or ←/→.
Kit.mechanic({
  id: "paddle_control",
  name: "Paddle control",
  summary: "The paddle slides left and right with the arrow keys or follows the mouse / touch, staying on screen.",
  category: "physics",
  changes: ["actions"],
  params: {
    speed: 620,      // keyboard speed, px/s (200..1200)
    pointer: 1,      // 1 = follow the mouse / touch when it moves
    follow: 18,      // pointer-follow responsiveness, 1/s (4..40)
  },
  update(g, dt, p, s) {
    const ptr = g.input.pointer;
    const moved = s.px !== undefined && (Math.abs(ptr.x - s.px) > 0.5 || ptr.pressed);
    s.px = ptr.x;
    const dir = (g.input.down("right") ? 1 : 0) - (g.input.down("left") ? 1 : 0);
    if (dir) s.mode = "keys"; else if (p.pointer && moved) s.mode = "pointer";
    for (const pad of g.all("paddle")) {
      const x0 = pad.x;
      if (dir) pad.x += dir * p.speed * dt;
      else if (s.mode === "pointer") pad.x += (ptr.x - pad.w / 2 - pad.x) * (1 - Math.exp(-p.follow * dt));
      pad.x = g.clamp(pad.x, 0, g.W - pad.w);
      pad.vx = (pad.x - x0) / dt;
    }
  },
  probe: {
    setup(g) { g.add({ x: 350, y: 560, w: 100, h: 14, tags: ["paddle"] }); },
    update(g) { (g.trace = g.trace || [])[g.frame] = g.first("paddle").x; },
    script: [{ hold: "right", frames: 30 }, { wait: 5 }, { pointer: [100, 300] }, { wait: 60 }, { hold: "right", frames: 120 }],
    check(g) {
      // Keys: +310 px in 0.5 s. Pointer: the centre eases to x = 100. Keys again: stops at the right edge.
      const pad = g.first("paddle");
      return Math.abs(g.trace[30] - 660) < 1 && Math.abs(g.trace[95] + 50 - 100) < 3 && pad.x === g.W - pad.w;
    },
  },
});
