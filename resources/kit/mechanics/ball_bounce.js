// Ball bounce: breakout-style balls that ricochet off walls, paddles, solids and bricks.
(() => {
  const COLLIDE = ["solid", "brick", "paddle"];

  function serve(g, p) {
    const pad = g.first("paddle");
    const b = g.add({ x: g.W / 2 - 8, y: g.H / 2, w: 14, h: 14, tags: ["ball"], shape: "circle", color: "#f4f7ff", kit: "ball_bounce" });
    if (pad) { b.stuck = true; b.x = pad.x + pad.w / 2 - b.w / 2; b.y = pad.y - b.h - 1; }
    else launch(g, p, b);
    return b;
  }

  function launch(g, p, b) {
    const a = g.rand(-0.5, 0.5);   // up to ~30° off vertical
    b.stuck = false;
    b.vx = Math.sin(a) * p.speed; b.vy = -Math.cos(a) * p.speed;
    g.sfx.play("click");
    g.emit("serve", { e: b });
  }

  // One axis of motion for ball b: move, then reflect off the first thing it overlaps.
  function sweep(g, p, b, axis, d, colliders) {
    if (axis === "x") b.x += d; else b.y += d;
    for (const o of colliders) {
      if (o.dead || !g.overlap(b, o)) continue;
      if (o.tags.includes("paddle") && axis === "y" && b.vy > 0) {
        // Where it lands on the paddle picks the angle: centre = straight up, edges = steep.
        b.y = o.y - b.h;
        const off = g.clamp((b.x + b.w / 2 - (o.x + o.w / 2)) / (o.w / 2), -1, 1);
        const sp = Math.min(p.max_speed, Math.hypot(b.vx, b.vy) * p.speedup);
        const a = off * 1.05 * p.english;
        b.vx = Math.sin(a) * sp; b.vy = -Math.cos(a) * sp;
        g.sfx.play("bounce");
        g.emit("paddle_hit", { e: b, x: b.x, y: b.y });
      } else if (axis === "x") {
        b.x = d > 0 ? o.x - b.w : o.x + o.w; b.vx = -b.vx;
      } else {
        b.y = d > 0 ? o.y - b.h : o.y + o.h; b.vy = -b.vy;
      }
      g.emit("bounce", { e: b, other: o, x: b.x + b.w / 2, y: b.y + b.h / 2 });
      if (o.tags.includes("brick")) hitBrick(g, o);
      else if (!o.tags.includes("paddle")) g.sfx.play("bounce", { pitch: 0.8 });
      return true;
    }
    return false;
  }

  function hitBrick(g, br) {
    const cx = br.x + br.w / 2, cy = br.y + br.h / 2;
    br.hp = (br.hp || 1) - 1;
    if (br.hp > 0) { g.sfx.play("bounce", { pitch: 1.5 }); g.emit("brick_hit", { e: br, x: cx, y: cy }); return; }
    br.dead = true;
    g.addScore(br.points !== undefined ? br.points : 10, cx, cy);
    g.sfx.play("blip", { pitch: 1.2 + g.random() * 0.4 });
    g.fx.burst(cx, cy, br.color || "#ffd34d", 12);
    g.emit("brick", { e: br, x: cx, y: cy });
  }

  Kit.mechanic({
    id: "ball_bounce",
    name: "Bouncing ball",
    summary: "Balls fly and ricochet off walls, solids, bricks (breaking them) and the paddle, whose hit point steers the angle; a ball lost at the bottom costs a life.",
    category: "physics",
    changes: ["transitions"],
    params: {
      speed: 380,       // serve speed, px/s (150..800)
      max_speed: 760,   // speed cap, px/s (300..1400)
      speedup: 1.03,    // speed factor per paddle hit (1..1.15)
      english: 1,       // how much the paddle hit point steers the ball (0..1.4)
      bottom: 0,        // 0 = the bottom edge loses the ball, 1 = it bounces
      serve: 1,         // 1 = serve a ball (on the paddle, launched by Space/click) when none is in play
    },
    setup(g, p) { if (p.serve && !g.first("ball")) serve(g, p); },
    update(g, dt, p) {
      const colliders = g.entities.filter((e) => !e.dead && COLLIDE.some((t) => e.tags.includes(t)));
      for (const b of g.all("ball")) {
        if (b.stuck) {
          const pad = g.first("paddle");
          if (pad) { b.x = pad.x + pad.w / 2 - b.w / 2; b.y = pad.y - b.h - 1; }
          if (!pad || g.input.pressed("action") || g.input.pointer.pressed) launch(g, p, b);
          continue;
        }
        const n = Math.max(1, Math.ceil((Math.max(Math.abs(b.vx), Math.abs(b.vy)) * dt) / 5));
        for (let i = 0; i < n; i++) {
          sweep(g, p, b, "x", (b.vx * dt) / n, colliders);
          sweep(g, p, b, "y", (b.vy * dt) / n, colliders);
        }
        // Screen edges.
        if (b.x < 0) { b.x = 0; b.vx = Math.abs(b.vx); g.sfx.play("bounce", { pitch: 0.8 }); g.emit("bounce", { e: b, other: null, x: 0, y: b.y }); }
        if (b.x + b.w > g.W) { b.x = g.W - b.w; b.vx = -Math.abs(b.vx); g.sfx.play("bounce", { pitch: 0.8 }); g.emit("bounce", { e: b, other: null, x: g.W, y: b.y }); }
        if (b.y < 0) { b.y = 0; b.vy = Math.abs(b.vy); g.sfx.play("bounce", { pitch: 0.8 }); g.emit("bounce", { e: b, other: null, x: b.x, y: 0 }); }
        if (b.y + b.h > g.H && p.bottom) { b.y = g.H - b.h; b.vy = -Math.abs(b.vy); g.emit("bounce", { e: b, other: null, x: b.x, y: g.H }); }
        // Never let a ball settle into an (almost) horizontal loop.
        const sp = Math.hypot(b.vx, b.vy);
        if (sp > 0 && Math.abs(b.vy) < sp * 0.25) { b.vy = Math.sign(b.vy || 1) * sp * 0.25; b.vx = Math.sign(b.vx) * sp * Math.sqrt(1 - 0.0625); }
        if (b.y > g.H + 20) {
          b.dead = true;
          g.emit("ball_lost", { e: b, x: b.x, y: g.H });
          if (!g.all("ball").length) {
            g.loseLife();
            if (g.phase === "playing" && p.serve) serve(g, p);
          }
        }
      }
    },
    draw(g, ctx) {
      for (const b of g.entities) {
        if (b.kit !== "ball_bounce" || b.dead) continue;
        ctx.fillStyle = "rgba(244,247,255,0.15)";
        ctx.beginPath(); ctx.arc(b.x + b.w / 2 - b.vx * 0.02, b.y + b.h / 2 - b.vy * 0.02, b.w / 2, 0, Math.PI * 2); ctx.fill();
        g.drawEntity(ctx, b);
      }
    },
    probe: {
      setup(g) {
        g.add({ x: 400, y: 300, w: 14, h: 14, vx: 300, vy: -300, tags: ["ball"] });
        g.add({ x: 600, y: 100, w: 80, h: 24, tags: ["brick"] });
        g.add({ x: 0, y: 560, w: 800, h: 14, tags: ["paddle"] });
      },
      script: [{ wait: 240 }],
      check(g, rec) {
        // It broke the brick, bounced off walls and the paddle, stayed in play and kept its speed.
        const b = g.first("ball"), inside = rec.samples.every((s) => !s || s.count.ball === 1);
        return rec.events.brick === 1 && rec.events.paddle_hit >= 1 && rec.events.bounce >= 4 && inside && b.x >= 0 && b.x + b.w <= g.W &&
          Math.abs(Math.hypot(b.vx, b.vy) - Math.hypot(300, 300)) < 40;
      },
    },
  });
})();
