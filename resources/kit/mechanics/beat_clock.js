// Beat clock: a steady musical pulse that rhythm mechanics and visuals lock onto.
Kit.mechanic({
  id: "beat_clock",
  name: "Beat clock",
  summary: "A metronome at a set tempo: every beat emits \"beat\" and plays a kick (accented on the bar), and g.beat tells where in the beat we are.",
  category: "timing",
  changes: ["observations", "feedback"],
  params: {
    bpm: 120,        // tempo, beats per minute (60..200)
    per_bar: 4,      // beats per bar; the first is accented (2..8)
    volume: 1,       // 1 = play the beat sound, 0 = silent pulse
  },
  setup(g, p, s) {
    if (s.n !== undefined) return;   // the pulse runs on through g.nextLevel()
    s.n = 0;
    g.beat = { bpm: p.bpm, period: 60 / p.bpm, n: 0, phase: 0, bar: 0, next: 60 / p.bpm };
  },
  update(g, dt, p, s) {
    const period = 60 / Math.max(1, p.bpm), b = g.beat;
    b.period = period; b.bpm = p.bpm;
    // Beats fall exactly on g.time = k × period (k = 1, 2, ...): timing_window measures against that grid.
    while (g.time + 1e-9 >= (s.n + 1) * period) {
      s.n += 1;
      b.n = s.n; b.bar = Math.floor((s.n - 1) / p.per_bar);
      const down = (s.n - 1) % p.per_bar === 0;
      if (p.volume > 0) g.sfx.play("beat", { pitch: down ? 1 : 1.5 });
      g.emit("beat", { n: s.n, downbeat: down });
    }
    b.phase = (g.time / period) % 1;   // 0 right on a beat, rising to 1
    b.next = (s.n + 1) * period;
  },
  draw(g, ctx, p) {
    if (!g.beat || g.phase !== "playing") return;
    // A pulsing ring at the bottom centre, biggest on the beat.
    const k = 1 - g.beat.phase, x = g.W / 2, y = g.H - 26;
    ctx.strokeStyle = `rgba(255,255,255,${0.15 + 0.5 * k * k})`; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.arc(x, y, 8 + 10 * k * k, 0, Math.PI * 2); ctx.stroke();
    for (let i = 0; i < p.per_bar; i++) {
      ctx.fillStyle = (g.beat.n - 1) % p.per_bar === i ? "#ffe066" : "rgba(255,255,255,0.25)";
      ctx.beginPath(); ctx.arc(x - (p.per_bar - 1) * 7 + i * 14, y + 20, 3, 0, Math.PI * 2); ctx.fill();
    }
  },
  probe: {
    setup() {},
    script: [{ wait: 121 }],
    check(g, rec) {
      // 120 BPM for 2 s: beats on frames 30, 60, 90, 120, each with its sound.
      return rec.events.beat === 4 && rec.sfx.beat === 4 && g.beat.n === 4 && g.beat.phase < 0.05;
    },
  },
});
