// Floating text: short words pop up where things happen ("POW!", "BOING!", "CHECKPOINT").
Kit.mechanic({
  id: "floating_text",
  name: "Floating text",
  summary: "Short callouts float up where events happen: \"POW!\" on kills, \"BOING!\" on pads, combo counts, checkpoints.",
  category: "feedback",
  changes: ["feedback"],
  params: {
    // event -> text ({n}, {level}… are filled from the event's data)
    texts: { enemy_killed: "POW!", target_hit: "BAM!", combo: "COMBO x{n}", checkpoint: "CHECKPOINT", pad_bounce: "BOING!",
      shield_block: "BLOCKED!", magnet: "MAGNET!", multiball: "MULTIBALL!", double_jump: "", dash: "", level_up: "",
      shield_up: "SHIELD!", milestone: "{score}!" },
    color: "#ffffff",
  },
  setup(g, p, s) {
    s.q = [];
    for (const [name, text] of Object.entries(p.texts)) {
      if (text) g.on(name, (ev) => s.q.push({ text, ev: ev || {} }));
    }
  },
  update(g, dt, p, s) {
    for (const { text, ev } of s.q.splice(0)) {
      const str = text.replace(/\{(\w+)\}/g, (m, k) => (ev[k] !== undefined ? ev[k] : ""));
      let x = ev.x, y = ev.y;
      const e = ev.e || ev.target;
      if ((x === undefined || y === undefined) && e) { x = e.x + e.w / 2; y = e.y; }
      if (x === undefined || y === undefined) {
        const pl = g.first("player");
        x = pl ? pl.x + pl.w / 2 : g.W / 2; y = pl ? pl.y - 8 : g.H / 2;
      }
      g.fx.text(x, y - 12, str, p.color);
    }
  },
  probe: {
    setup() {},
    update(g) { if (g.frame === 10) g.emit("combo", { n: 3, x: 400, y: 300 }); },
    script: [{ wait: 15 }],
    check(g, rec) { return rec.events.combo === 1 && g.fx.texts === 1; },
  },
});
