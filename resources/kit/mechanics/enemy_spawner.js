// Enemy spawner: waves of enemies enter from the screen edges.
(() => {
  Kit.mechanic({
    id: "enemy_spawner",
    name: "Enemy spawner",
    summary: "Enemies keep entering from an edge of the screen and cross it; they arrive faster as difficulty rises.",
    category: "spawning",
    changes: ["observations", "transitions"],
    params: {
      interval: 1.4,   // seconds between spawns at difficulty 1 (0.2..5)
      speed: 120,      // enemy speed, px/s (30..400)
      side: 0,         // 0 = from the top (shmup), 1 = from the right (runner), 2 = from any edge (arena)
      size: 32,        // enemy size, px (12..80)
      hp: 1,           // hit points per enemy (1..10)
      max_alive: 12,   // cap on enemies at once (1..50)
    },
    setup(g, p, s) { s.t = p.interval * 0.5; },
    update(g, dt, p, s) {
      const diff = g.difficulty || 1;
      s.t -= dt * diff;
      if (s.t <= 0) {
        s.t = p.interval * (0.7 + 0.6 * g.random());
        if (g.all("enemy").length < p.max_alive) spawn(g, p, diff);
      }
      for (const e of g.all("enemy")) {
        if (e.kit !== "enemy_spawner") continue;
        e.x += e.vx * dt; e.y += e.vy * dt;
        if (e.x < -e.w - 80 || e.x > g.W + 80 || e.y < -e.h - 80 || e.y > g.H + 80) e.dead = true;
      }
    },
    draw(g, ctx) {
      for (const e of g.entities) {
        if (e.kit !== "enemy_spawner" || e.dead) continue;
        const cx = e.x + e.w / 2, cy = e.y + e.h / 2, r = e.w / 2;
        ctx.fillStyle = e.color;
        ctx.beginPath();
        for (let i = 0; i < 6; i++) {
          const a = g.time * 2 + (i * Math.PI) / 3, rr = i % 2 ? r * 0.75 : r;
          ctx.lineTo(cx + Math.cos(a) * rr, cy + Math.sin(a) * rr);
        }
        ctx.closePath(); ctx.fill();
        ctx.fillStyle = "#1a0f1f";
        ctx.fillRect(cx - r * 0.35, cy - r * 0.15, r * 0.22, r * 0.22); ctx.fillRect(cx + r * 0.13, cy - r * 0.15, r * 0.22, r * 0.22);
      }
    },
    probe: {
      setup(g) { g.add({ x: 388, y: 540, w: 24, h: 24, tags: ["player"] }); },
      script: [{ wait: 240 }],
      check(g, rec) {
        // Several spawned over 4 s, and they travel downwards into the screen.
        const es = g.all("enemy");
        return rec.events.enemy_spawn >= 2 && es.length >= 1 && es.every((e) => e.vy > 0) &&
          es.some((e) => e.y > 0);
      },
    },
  });

  // Spawn one enemy at an edge, heading across the screen.
  function spawn(g, p, diff) {
    const side = p.side === 2 ? Math.floor(g.random() * 4) : p.side === 1 ? 1 : 0;   // 0 top, 1 right, 2 bottom, 3 left
    const sp = p.speed * Math.sqrt(diff), sz = p.size;
    const e = { w: sz, h: sz, tags: ["enemy"], kit: "enemy_spawner", hp: p.hp, maxHp: p.hp, color: "#ff6b6b" };
    if (side === 0) Object.assign(e, { x: g.rand(20, g.W - 20 - sz), y: -sz, vx: g.rand(-0.2, 0.2) * sp, vy: sp });
    else if (side === 1) Object.assign(e, { x: g.W, y: g.rand(40, g.H - 40 - sz), vx: -sp, vy: 0 });
    else if (side === 2) Object.assign(e, { x: g.rand(20, g.W - 20 - sz), y: g.H, vx: 0, vy: -sp });
    else Object.assign(e, { x: -sz, y: g.rand(40, g.H - 40 - sz), vx: sp, vy: 0 });
    if (p.hp <= 1) { delete e.hp; delete e.maxHp; }   // one-hit enemies: no hp, so g.hurt kills them
    g.add(e);
    g.emit("enemy_spawn", { e, x: e.x, y: e.y });
  }
})();
