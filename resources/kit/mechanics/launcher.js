// Launcher: pull back with the mouse/finger and let go to fling a projectile (slingshot).
(() => {
  const MAX_PULL = 170;   // px of drag that gives full power

  function anchorOf(g, p) {
    const a = g.first("launcher");
    return a ? { x: a.x + a.w / 2, y: a.y + a.h / 2 } : { x: p.anchor_x, y: p.anchor_y };
  }
  // Launch velocity for a pointer at (px, py): opposite the pull, proportional to its length.
  function aim(p, an, px, py) {
    let dx = an.x - px, dy = an.y - py;
    const d = Math.hypot(dx, dy);
    if (d > MAX_PULL) { dx *= MAX_PULL / d; dy *= MAX_PULL / d; }
    return { vx: (dx / MAX_PULL) * p.power, vy: (dy / MAX_PULL) * p.power, pull: Math.min(d, MAX_PULL) };
  }

  Kit.mechanic({
    id: "launcher",
    name: "Slingshot launcher",
    summary: "Drag back from the launcher and release to fling a projectile; it arcs under gravity, bounces off solids and knocks out targets.",
    category: "physics",
    changes: ["actions"],
    params: {
      power: 950,       // launch speed at full pull, px/s (300..1800)
      gravity: 700,     // projectile gravity, px/s² (0..2000)
      bounce: 0.5,      // speed kept on bouncing off a solid (0..0.95)
      ammo: 0,          // shots per life, 0 = unlimited (0..20)
      anchor_x: 140,    // launcher position when the game has no "launcher" entity, px
      anchor_y: 440,
      lifetime: 6,      // seconds a projectile lives (1..20)
      points: 50,       // score per target / enemy knocked out (0..500)
    },
    setup(g, p, s) { s.drag = false; s.shots = 0; },
    update(g, dt, p, s) {
      const ptr = g.input.pointer, an = anchorOf(g, p);
      const canShoot = !p.ammo || s.shots < p.ammo;
      if (ptr.pressed && canShoot) s.drag = true;
      if (s.drag && !ptr.down) {
        s.drag = false;
        const v = aim(p, an, ptr.x, ptr.y);
        if (v.pull > 12) {
          s.shots += 1;
          g.add({ x: an.x - 9, y: an.y - 9, w: 18, h: 18, vx: v.vx, vy: v.vy, tags: ["projectile"], kit: "launcher",
            shape: "circle", color: "#ffb347", life: p.lifetime });
          g.sfx.play("shoot", { pitch: 0.7 });
          g.emit("launch", { x: an.x, y: an.y, vx: v.vx, vy: v.vy });
        }
      }
      const targets = g.entities.filter((e) => !e.dead && (e.tags.includes("target") || e.tags.includes("enemy")));
      for (const pr of g.all("projectile")) {
        if (pr.kit !== "launcher") continue;
        pr.life -= dt;
        pr.vy += p.gravity * dt;
        const hit = g.move(pr, pr.vx * dt, pr.vy * dt);
        if (hit.left || hit.right) { pr.vx = -pr.vx * p.bounce; g.sfx.play("bounce", { pitch: 0.7 }); }
        if (hit.top || hit.bottom) {
          pr.vy = -pr.vy * p.bounce; pr.vx *= 0.9;
          if (Math.abs(pr.vy) > 60) g.sfx.play("bounce", { pitch: 0.7 });
          else pr.vy = 0;
        }
        for (const t of targets) {
          if (t.dead || !g.overlap(pr, t)) continue;
          g.hurt(t, 1, pr);
          if (t.dead) {
            const cx = t.x + t.w / 2, cy = t.y + t.h / 2;
            g.addScore(p.points, cx, cy);
            g.sfx.play("explode");
            g.fx.burst(cx, cy, t.color || "#ff6b6b", 20);
            g.emit("target_hit", { e: t, x: cx, y: cy });
          }
        }
        if (pr.life <= 0 || pr.x > g.W + 200 || pr.x < -200 || pr.y > g.H + 100) pr.dead = true;
      }
    },
    draw(g, ctx, p, s) {
      const an = anchorOf(g, p), ptr = g.input.pointer;
      if (!g.first("launcher")) {
        // A simple fork.
        ctx.strokeStyle = "#8b5a2b"; ctx.lineWidth = 7; ctx.lineCap = "round";
        ctx.beginPath(); ctx.moveTo(an.x, an.y + 60); ctx.lineTo(an.x, an.y + 12);
        ctx.moveTo(an.x, an.y + 12); ctx.lineTo(an.x - 14, an.y - 10); ctx.moveTo(an.x, an.y + 12); ctx.lineTo(an.x + 14, an.y - 10); ctx.stroke();
      }
      if (s.drag) {
        const v = aim(p, an, ptr.x, ptr.y), k = v.pull / Math.hypot(an.x - ptr.x, an.y - ptr.y || 1e-6);
        const hx = an.x + (ptr.x - an.x) * Math.min(1, k || 0), hy = an.y + (ptr.y - an.y) * Math.min(1, k || 0);
        ctx.strokeStyle = "#c94f4f"; ctx.lineWidth = 3;
        ctx.beginPath(); ctx.moveTo(an.x - 14, an.y - 10); ctx.lineTo(hx, hy); ctx.lineTo(an.x + 14, an.y - 10); ctx.stroke();
        // Dotted preview of the first half second of flight.
        ctx.fillStyle = "rgba(255,255,255,0.7)";
        for (let i = 1; i <= 12; i++) {
          const t = i * 0.06;
          ctx.beginPath(); ctx.arc(an.x + v.vx * t, an.y + v.vy * t + 0.5 * p.gravity * t * t, 2.5, 0, Math.PI * 2); ctx.fill();
        }
        ctx.fillStyle = "#ffb347"; ctx.beginPath(); ctx.arc(hx, hy, 9, 0, Math.PI * 2); ctx.fill();
      }
      for (const pr of g.entities) if (pr.kit === "launcher" && !pr.dead) g.drawEntity(ctx, pr);
      if (p.ammo) {
        ctx.fillStyle = "#ffb347";
        for (let i = 0; i < p.ammo - s.shots; i++) { ctx.beginPath(); ctx.arc(20 + i * 18, g.H - 20, 6, 0, Math.PI * 2); ctx.fill(); }
      }
    },
    probe: {
      setup(g) {
        g.add({ x: 0, y: 560, w: 800, h: 40, tags: ["solid"] });
        g.add({ x: 540, y: 340, w: 40, h: 60, tags: ["target"] });     // on the flight path
      },
      // Grab at the launcher, pull down-left, let go.
      script: [{ pointer: [140, 440], down: true }, { wait: 3 }, { pointer: [40, 500], down: true }, { wait: 5 },
        { pointer: [40, 500], down: false }, { wait: 90 }],
      check(g, rec) {
        // Flung up and to the right (away from the pull), arcing into the target.
        return rec.events.launch === 1 && rec.at(10).count.projectile === 1 && rec.events.target_hit === 1 &&
          !g.first("target") && g.score === 50;
      },
    },
  });
})();
