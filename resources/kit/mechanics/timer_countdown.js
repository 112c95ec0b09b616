// Countdown: beat the clock; pickups can buy more time.
Kit.mechanic({
  id: "timer_countdown",
  name: "Countdown timer",
  summary: "A clock counts down and the game ends at zero; collecting coins adds a little time.",
  category: "rules",
  changes: ["goals", "transitions"],
  params: {
    seconds: 60,     // starting time, s (5..300)
    coin_bonus: 1,   // seconds added per coin (0..10)
    warn: 10,        // last seconds shown in red with a tick sound (0..30)
  },
  setup(g, p, s) {
    s.left = p.seconds; s.lastTick = Math.ceil(p.seconds);
    g.on("coin", () => { if (p.coin_bonus > 0) { s.left += p.coin_bonus; s.bonus = 0.6; } });
  },
  update(g, dt, p, s) {
    s.bonus = Math.max(0, (s.bonus || 0) - dt);
    s.left -= dt;
    g.timeLeft = Math.max(0, s.left);
    const whole = Math.ceil(s.left);
    if (whole < s.lastTick) {
      s.lastTick = whole;
      if (whole <= p.warn && whole > 0) g.sfx.play("click", { pitch: 0.8 });
    }
    if (s.left <= 0) {
      g.emit("time_up");
      g.gameOver();
    }
  },
  draw(g, ctx, p, s) {
    if (g.phase === "title") return;
    const left = Math.max(0, s.left), warn = left <= p.warn;
    const str = left >= 60 ? `${Math.floor(left / 60)}:${String(Math.floor(left % 60)).padStart(2, "0")}` : left.toFixed(1);
    const k = warn ? 1 + 0.12 * Math.max(0, Math.sin(g.time * 12)) : 1;
    ctx.font = `800 ${Math.round(26 * k)}px system-ui, sans-serif`; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.lineWidth = 4; ctx.strokeStyle = "rgba(0,0,0,0.5)"; ctx.strokeText(str, g.W / 2, 24);
    ctx.fillStyle = warn ? "#ff4d6d" : s.bonus > 0 ? "#5be37d" : "#ffffff"; ctx.fillText(str, g.W / 2, 24);
  },
  probe: {
    setup(g) {
      Object.assign(g.params("timer_countdown"), { seconds: 1 });
      g.add({ x: 100, y: 300, w: 24, h: 24, tags: ["player"] });
    },
    script: [{ wait: 50 }, { wait: 30 }],
    check(g, rec) {
      return g.phase === "over" && rec.events.time_up === 1 && rec.events.gameover === 1 && g.time < 1.05 && g.time > 0.95;
    },
  },
});
