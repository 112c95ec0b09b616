// Gravity wells: points that pull balls, projectiles and bodies towards them.
Kit.mechanic({
  id: "gravity_wells",
  name: "Gravity wells",
  summary: "Swirling wells bend the paths of balls, projectiles and bodies with an inverse-square pull.",
  category: "physics",
  changes: ["transitions", "observations"],
  params: {
    strength: 12000000, // pull constant, px³/s²: pull = strength / distance² (2e6..5e7)
    count: 2,           // wells placed when the game has none (0..6)
    core: 60,           // softening radius: pull stops growing inside it, px (20..150)
    player: 0,          // 1 = the player is pulled too
  },
  setup(g, p) {
    if (g.first("well")) return;
    for (let i = 0; i < p.count; i++) {
      g.add({ x: g.rand(g.W * 0.25, g.W * 0.75) - 14, y: g.rand(g.H * 0.25, g.H * 0.6) - 14, w: 28, h: 28, tags: ["well"], kit: "gravity_wells", color: "#8c7bff" });
    }
  },
  update(g, dt, p) {
    const wells = g.all("well");
    if (!wells.length) return;
    for (const e of g.entities) {
      if (e.dead || e.stuck) continue;
      const t = e.tags;
      if (!(t.includes("ball") || t.includes("projectile") || t.includes("body") || (p.player && t.includes("player")))) continue;
      const ex = e.x + e.w / 2, ey = e.y + e.h / 2;
      for (const w of wells) {
        const dx = w.x + w.w / 2 - ex, dy = w.y + w.h / 2 - ey;
        const d2 = Math.max(dx * dx + dy * dy, p.core * p.core), d = Math.sqrt(d2);
        const a = (p.strength * (w.mass || 1)) / d2;
        e.vx += (dx / d) * a * dt; e.vy += (dy / d) * a * dt;
      }
    }
  },
  draw(g, ctx) {
    for (const w of g.all("well")) {
      const cx = w.x + w.w / 2, cy = w.y + w.h / 2;
      for (let i = 0; i < 4; i++) {
        const r = 14 + ((g.time * 30 + i * 18) % 72);
        ctx.strokeStyle = `rgba(140,123,255,${0.5 * (1 - (r - 14) / 72)})`; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(cx, cy, r, 0, Math.PI * 2); ctx.stroke();
      }
      const grad = ctx.createRadialGradient(cx, cy, 2, cx, cy, 16);
      grad.addColorStop(0, "#ffffff"); grad.addColorStop(0.4, w.color || "#8c7bff"); grad.addColorStop(1, "rgba(140,123,255,0)");
      ctx.fillStyle = grad; ctx.beginPath(); ctx.arc(cx, cy, 16, 0, Math.PI * 2); ctx.fill();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 386, y: 286, w: 28, h: 28, tags: ["well"] });
      g.add({ x: 243, y: 293, w: 14, h: 14, vx: 0, vy: -120, tags: ["ball"] });   // 150 px left, drifting up
    },
    update(g, dt) { for (const b of g.all("ball")) { b.x += b.vx * dt; b.y += b.vy * dt; } },
    script: [{ wait: 40 }],
    check(g) {
      const b = g.first("ball");
      return b.vx > 100 && b.x > 243 + 30;   // pulled right, towards the well
    },
  },
});
