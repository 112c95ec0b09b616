// Shield power-up: a pickup that absorbs the next hit(s).
Kit.mechanic({
  id: "shield_powerup",
  name: "Shield power-up",
  summary: "Shield pickups appear now and then; grabbing one wraps the player in a bubble that absorbs hits for a while.",
  category: "combat",
  changes: ["resources", "transitions"],
  params: {
    duration: 8,       // seconds the shield lasts (2..20)
    hits: 1,           // hits it absorbs (1..5)
    spawn_every: 12,   // seconds between pickups appearing, 0 = only pickups the game places (0..40)
  },
  setup(g, p, s) {
    s.next = p.spawn_every;
    g.on("hurt", (ev) => {
      const t = ev.target;
      if (ev.cancelled || !t || !(t.shieldT > 0)) return;
      ev.cancelled = true;
      t.shieldHits -= 1;
      if (t.shieldHits <= 0) t.shieldT = 0;
      t.invulnerable = Math.max(t.invulnerable || 0, 0.5);   // a moment to get clear
      g.sfx.play("bounce", { pitch: 0.7 });
      g.fx.burst(t.x + t.w / 2, t.y + t.h / 2, "#7fdcff", 16);
      g.emit("shield_block", { e: t, x: t.x + t.w / 2, y: t.y });
    });
  },
  update(g, dt, p, s) {
    if (p.spawn_every > 0 && !g.first("shield")) {
      s.next -= dt;
      if (s.next <= 0) {
        s.next = p.spawn_every;
        g.add({ x: g.rand(60, g.W - 80), y: g.rand(120, g.H - 160), w: 22, h: 22, tags: ["shield"], kit: "shield_powerup", color: "#7fdcff" });
      }
    }
    for (const pl of g.all("player")) {
      if (pl.shieldT > 0) {
        pl.shieldT -= dt;
        if (pl.shieldT <= 0) g.emit("shield_down", { e: pl });
      }
      for (const it of g.all("shield")) {
        if (!g.overlap(pl, it)) continue;
        it.dead = true;
        pl.shieldT = p.duration; pl.shieldHits = p.hits;
        g.sfx.play("powerup");
        g.emit("shield_up", { e: pl, x: it.x + 11, y: it.y });
      }
    }
  },
  draw(g, ctx) {
    for (const it of g.all("shield")) {
      const cx = it.x + it.w / 2, cy = it.y + it.h / 2 + Math.sin(g.time * 3 + it.x) * 3;
      ctx.fillStyle = "rgba(127,220,255,0.25)"; ctx.beginPath(); ctx.arc(cx, cy, 16, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = it.color;
      ctx.beginPath(); ctx.moveTo(cx, cy - 11); ctx.lineTo(cx + 9, cy - 6); ctx.lineTo(cx + 7, cy + 5);
      ctx.lineTo(cx, cy + 11); ctx.lineTo(cx - 7, cy + 5); ctx.lineTo(cx - 9, cy - 6); ctx.closePath(); ctx.fill();
    }
    for (const pl of g.all("player")) {
      if (!(pl.shieldT > 0)) continue;
      const r = Math.max(pl.w, pl.h) * 0.8, a = pl.shieldT < 2 ? 0.25 + 0.25 * Math.sin(g.time * 20) : 0.45;
      ctx.strokeStyle = `rgba(127,220,255,${a + 0.3})`; ctx.fillStyle = `rgba(127,220,255,${a * 0.4})`; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(pl.x + pl.w / 2, pl.y + pl.h / 2, r, 0, Math.PI * 2); ctx.fill(); ctx.stroke();
    }
  },
  probe: {
    setup(g) {
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
      g.add({ x: 105, y: 305, w: 22, h: 22, tags: ["shield"] });
    },
    // Two hits: the first is absorbed, the second (after the short grace) costs a life.
    update(g) { if (g.frame === 10 || g.frame === 60) g.hurt(g.first("player"), 1, null); },
    script: [{ wait: 70 }],
    check(g, rec) {
      return rec.events.shield_up === 1 && rec.events.shield_block === 1 && rec.at(30).lives === 3 && g.lives === 2;
    },
  },
});
