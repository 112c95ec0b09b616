// Pulse Lane — a neon highway of four lanes. A procedurally composed groove plays; gems ride the
// beat down to the hit line and each one you strike plays the next note of the melody. Perfect /
// good / miss, combo multiplier, accuracy. The tempo climbs every eight bars; five misses in a row
// and the pulse flatlines.
(function () {
  "use strict";
  const W = 800, H = 600;
  const HIT_Y = 500, VP_Y = -260, TOP_Y = 58;
  const LANE_W = 112, LANES = 4;
  const LANE_X0 = W / 2 - (LANE_W * LANES) / 2;
  const LANE_COLORS = [[255, 92, 170], [80, 220, 255], [150, 255, 110], [255, 196, 70]];
  const LANE_KEYS = [["left"], ["down"], ["up"], ["right"]];
  const LANE_GLYPH = ["←", "↓", "↑", "→"];
  const LANE_ALT = ["A", "S", "W", "D"];
  const PERFECT = 0.05, GOOD = 0.105, LATE = 0.13;
  const MAX_STREAK = 5;
  // chord progressions (semitones above A) with chord thirds; lane -> chord tone
  const PROGS = [
    [[0, 3], [8, 4], [3, 4], [10, 4]],   // Am F C G
    [[0, 3], [7, 3], [8, 4], [10, 4]],   // Am Em F G
    [[5, 3], [10, 4], [3, 4], [8, 4]],   // Dm G C F
    [[0, 3], [5, 3], [7, 4], [0, 3]],    // Am Dm E Am
  ];

  let g = null, S = null;
  const STARS = []; for (let i = 0; i < 210; i++) STARS.push(Math.random());
  const clamp = (v, a, b) => (v < a ? a : v > b ? b : v);
  const clock = () => performance.now() / 1000;
  const hz = (semi) => 220 * Math.pow(2, semi / 12);

  // ------------------------------------------------------------------ a small synth for the music
  // (event sounds go through g.sfx; this only voices melody, bass, snare and pad)
  let AC = null, OUT = null, NOISE = null;
  function audio() {
    if (AC) return AC;
    const C = typeof window !== "undefined" && (window.AudioContext || window.webkitAudioContext);
    if (!C) return null;
    try {
      AC = new C();
      const comp = AC.createDynamicsCompressor();
      OUT = AC.createGain(); OUT.gain.value = 0.32;
      OUT.connect(comp); comp.connect(AC.destination);
      NOISE = AC.createBuffer(1, AC.sampleRate, AC.sampleRate);
      const d = NOISE.getChannelData(0);
      for (let i = 0; i < d.length; i++) d[i] = Math.random() * 2 - 1;
    } catch (e) { AC = null; }
    return AC;
  }
  if (typeof window !== "undefined") {
    const wake = () => { if (AC && AC.state === "suspended") AC.resume().catch(() => {}); };
    window.addEventListener("keydown", wake);
    window.addEventListener("mousedown", wake);
  }
  function voice(type, freq, dur, vol, { attack = 0.005, cutoff = 0, when = 0, detune = 0 } = {}) {
    if (!g || g.sfx.muted) return;
    const ac = audio(); if (!ac) return;
    try {
      const t = ac.currentTime + 0.005 + when;
      const o = ac.createOscillator(), gn = ac.createGain();
      o.type = type; o.frequency.setValueAtTime(freq, t); o.detune.value = detune;
      gn.gain.setValueAtTime(0.0001, t);
      gn.gain.linearRampToValueAtTime(vol, t + attack);
      gn.gain.exponentialRampToValueAtTime(0.0001, t + dur);
      let node = o;
      if (cutoff) {
        const f = ac.createBiquadFilter(); f.type = "lowpass"; f.Q.value = 4;
        f.frequency.setValueAtTime(cutoff * 3, t); f.frequency.exponentialRampToValueAtTime(cutoff, t + dur * 0.6);
        o.connect(f); node = f;
      }
      node.connect(gn); gn.connect(OUT);
      o.start(t); o.stop(t + dur + 0.05);
    } catch (e) { /* best effort */ }
  }
  function snare(vol) {
    if (!g || g.sfx.muted) return;
    const ac = audio(); if (!ac) return;
    try {
      const t = ac.currentTime + 0.005;
      const s = ac.createBufferSource(), f = ac.createBiquadFilter(), gn = ac.createGain();
      s.buffer = NOISE; f.type = "bandpass"; f.frequency.value = 1800; f.Q.value = 0.7;
      gn.gain.setValueAtTime(0.0001, t); gn.gain.linearRampToValueAtTime(vol, t + 0.003);
      gn.gain.exponentialRampToValueAtTime(0.0001, t + 0.17);
      s.connect(f); f.connect(gn); gn.connect(OUT); s.start(t); s.stop(t + 0.2);
      voice("triangle", 190, 0.09, vol * 0.6);
    } catch (e) { /* best effort */ }
  }

  // ------------------------------------------------------------------ composition
  const level = () => Math.floor(Math.max(0, S.barIndex - 1) / 8) + 1;
  // The tempo comes from the kit's beat_clock (beats fall on g.time = k × period, k = 1, 2, …);
  // the song gets harder by density, sixteenths, chords and scroll speed rather than tempo.
  function bpm() { const p = g.params("beat_clock"); return p ? p.bpm : 118; }
  function leadTime() { return Math.max(1.0, 1.75 - (level() - 1) * 0.11); }

  function composeBar() {
    const i = S.nextBar;
    const beat = S.period, t0 = (4 * i + 1) * beat;
    const L = Math.floor(Math.max(0, i - 1) / 8) + 1;
    const prog = PROGS[S.progIndex % PROGS.length];
    if (i > 0 && i % 4 === 0 && i % 8 === 0) S.progIndex++;
    const chord = prog[i % 4];
    const bar = { index: i, t0, beat, chord, level: L };
    S.bars.push(bar);
    // drums + bass + pad
    for (let b = 0; b < 4; b++) {
      S.events.push({ t: t0 + b * beat + beat / 2, kind: "hat" });
      if (b === 1 || b === 3) S.events.push({ t: t0 + b * beat, kind: "snare" });
      if (L >= 3) { S.events.push({ t: t0 + b * beat + beat / 4, kind: "hat", soft: true }); S.events.push({ t: t0 + b * beat + beat * 0.75, kind: "hat", soft: true }); }
      if (b === 0 || b === 2 || (L >= 2 && b === 3)) S.events.push({ t: t0 + b * beat + (b === 3 ? beat / 2 : 0), kind: "bass", semi: chord[0] - 24 });
    }
    S.events.push({ t: t0, kind: "pad", chord, dur: beat * 4 });
    if (i === 0) {
      for (let b = 0; b < 4; b++) S.events.push({ t: t0 + b * beat, kind: "count", n: 4 - b });
    } else {
      // notes on an eighth grid
      const pOn = Math.min(0.92, 0.55 + 0.1 * L), pOff = Math.min(0.55, 0.16 * (L - 1)), pDouble = Math.min(0.3, 0.09 * (L - 2));
      const p16 = Math.min(0.3, 0.1 * (L - 4));
      for (let s = 0; s < 8; s++) {
        const t = t0 + s * beat / 2;
        if (s === 0 && i % 4 === 1) { addNote(t, -1, chord); continue; }  // phrase start: a pulse bar
        const on = s % 2 === 0;
        if (Math.random() > (on ? pOn : pOff)) continue;
        if (!on && S.lastSlotFilled && L <= 2 && Math.random() < 0.5) { S.lastSlotFilled = false; continue; }
        const step = [-1, 1, -1, 1, 2, -2, 0][(Math.random() * 7) | 0];
        S.laneWalk = clamp(S.laneWalk + step, 0, 3);
        if (S.laneWalk === 0 && step < 0 && Math.random() < 0.5) S.laneWalk = 1;
        addNote(t, S.laneWalk, chord);
        if (on && Math.random() < pDouble) addNote(t, (S.laneWalk + 2) % 4, chord);
        else if (!on && Math.random() < p16) addNote(t + beat / 4, clamp(S.laneWalk + (S.laneWalk < 2 ? 1 : -1), 0, 3), chord);
        S.lastSlotFilled = true;
      }
      S.lastSlotFilled = false;
    }
    S.nextBar++;
    S.nextBarT = t0 + beat * 4;
  }
  function addNote(t, lane, chord) {
    const tones = [0, chord[1], 7, 12];
    const semi = lane < 0 ? chord[0] : chord[0] + tones[lane];
    g.add({ x: 0, y: -50, w: 10, h: 10, tags: ["note"], lane, t, semi, judged: false });
    S.notesTotal++;
  }

  // ------------------------------------------------------------------ geometry
  // perspective: depth scale k in (0,1], k = 1 on the hit line
  function kOfT(dt) {  // dt = note time - now (s)
    const lead = leadTime();
    const kTop = (TOP_Y - VP_Y) / (HIT_Y - VP_Y);
    const zTop = 1 / kTop;
    const z = 1 + (dt / lead) * (zTop - 1);
    return z <= 0.25 ? 4 : 1 / z;
  }
  const yOfK = (k) => VP_Y + (HIT_Y - VP_Y) * k;
  const xOf = (xb, k) => W / 2 + (xb - W / 2) * k;

  // ------------------------------------------------------------------ run
  function newRun() {
    S = {
      bars: [], events: [], nextBar: 0, nextBarT: 0, period: 60 / bpm(), barIndex: 0, progIndex: (Math.random() * PROGS.length) | 0,
      laneWalk: 1, lastSlotFilled: false, notesTotal: 0,
      combo: 0, maxCombo: 0, perfect: 0, good: 0, miss: 0, streak: 0,
      press: [0, 0, 0, 0, 0], flash: [0, 0, 0, 0, 0], rings: [], judge: null, beatPulse: 0, count: null,
      banner: null, lastLevel: 1, eq: new Array(24).fill(0), songT: 0,
    };
    g.lives = MAX_STREAK;
    while (S.nextBarT < 4) composeBar();
    // the kit's beat_clock drives the kick; we ride its pulse for the visuals
    g.on("beat", (ev) => {
      const down = ev && ev.downbeat;
      S.beatPulse = down ? 1 : 0.7;
      for (let i = 0; i < 24; i++) S.eq[i] = Math.min(1, S.eq[i] + (down ? 0.35 : 0.2) + Math.random() * 0.3);
    });
  }

  function mult() { return 1 + Math.min(3, Math.floor(S.combo / 16)); }

  function judge(note, dt) {
    note.judged = true; g.remove(note);
    const ad = Math.abs(dt);
    const lane = note.lane;
    const li = lane < 0 ? 4 : lane;
    const cx = lane < 0 ? W / 2 : LANE_X0 + LANE_W * (lane + 0.5);
    if (ad <= GOOD) {
      const perfect = ad <= PERFECT;
      S.combo++; S.maxCombo = Math.max(S.maxCombo, S.combo);
      if (perfect) S.perfect++; else S.good++;
      S.streak = 0; g.lives = MAX_STREAK;
      const base = (lane < 0 ? 500 : perfect ? 300 : 120);
      g.addScore(base * mult());
      S.judge = { text: perfect ? "PERFECT" : "GOOD", color: perfect ? "#7ff6ff" : "#aaff8a", t: 0, late: dt > 0 ? "late" : "early", exact: perfect };
      S.flash[li] = 1;
      S.rings.push({ x: cx, y: HIT_Y, t: 0, color: lane < 0 ? [230, 200, 255] : LANE_COLORS[lane], wide: lane < 0 });
      const col = lane < 0 ? "#e6ccff" : `rgb(${LANE_COLORS[lane].join(",")})`;
      g.fx.burst(cx, HIT_Y, col, perfect ? 10 : 6);
      // the note itself: melody voice
      const f = hz(note.semi + 12);
      voice("triangle", f, perfect ? 0.42 : 0.3, 0.22, { cutoff: 2400 });
      voice("sine", f * 2, 0.25, perfect ? 0.07 : 0.03);
      if (lane < 0) { voice("sawtooth", hz(note.semi), 0.6, 0.08, { cutoff: 900 }); voice("sawtooth", hz(note.semi + 7), 0.6, 0.06, { cutoff: 900 }); g.fx.shake(4, 0.12); }
      g.sfx.play(perfect ? "coin" : "blip", { pitch: perfect ? 1 + (lane + 1) * 0.05 : 1.2 });
      g.emit(perfect ? "perfect" : "good", { lane, dt, combo: S.combo, x: cx, y: HIT_Y });   // kit particles burst here
      g.emit("note_hit", { lane, perfect });
      if (S.combo > 0 && S.combo % 25 === 0) {
        g.sfx.play("powerup", { pitch: 1.2 });
        g.emit("combo", { combo: S.combo, n: S.combo, x: W / 2, y: HIT_Y - 140 });   // kit floating_text calls it out
      }
      for (let i = 0; i < 24; i++) S.eq[i] = Math.min(1, S.eq[i] + Math.random() * 0.5);
    } else {
      miss(note);
    }
  }
  function miss(note) {
    note.judged = true; g.remove(note);
    S.miss++;
    const broke = S.combo >= 10;
    S.combo = 0; S.streak++;
    g.lives = Math.max(0, MAX_STREAK - S.streak);
    S.judge = { text: "MISS", color: "#ff5d73", t: 0, late: "", exact: false };
    g.sfx.play("hit", { pitch: 0.75 });
    if (broke) g.fx.shake(6, 0.2);                    // the kit screen_shake nudges on every miss
    voice("sawtooth", hz(note.semi - 11), 0.25, 0.08, { cutoff: 500 });
    g.emit("miss", { lane: note.lane, streak: S.streak, x: note.lane < 0 ? W / 2 : LANE_X0 + LANE_W * (note.lane + 0.5), y: HIT_Y });
    if (S.streak >= MAX_STREAK) {
      g.fx.flash("#ff2a55", 0.35);
      g.emit("flatline", {});
      g.gameOver();
    }
  }

  function update(gg, dt) {
    S.songT = g.time;
    const now = S.songT;
    while (S.nextBarT < now + leadTime() + 1.2) composeBar();
    // current bar
    while (S.bars.length > 1 && S.bars[1].t0 <= now) S.bars.shift();
    const bar = S.bars[0];
    if (bar && bar.t0 <= now) S.barIndex = bar.index;
    const L = level();
    if (L !== S.lastLevel) {
      S.lastLevel = L;
      S.banner = { text: "LEVEL " + L, sub: ["", "", "off-beats join in", "chords and faster scroll", "the groove thickens", "sixteenths!"][Math.min(L, 5)] || "faster still", t: 2 };
      g.sfx.play("powerup");
      g.emit("level_up", { level: L, x: W / 2, y: 150 });
    }
    if (S.banner) { S.banner.t -= dt; if (S.banner.t <= 0) S.banner = null; }

    // scheduled music
    S.events.sort((a, b) => a.t - b.t);
    while (S.events.length && S.events[0].t <= now) {
      const ev = S.events.shift();
      if (now - ev.t > 0.1) continue;   // far behind (tab was asleep): skip rather than burst
      if (ev.kind === "hat") g.sfx.play("click", { pitch: ev.soft ? 2.4 : 2 });
      else if (ev.kind === "snare") snare(0.16);
      else if (ev.kind === "bass") voice("sawtooth", hz(ev.semi), 0.32, 0.2, { cutoff: 420 });
      else if (ev.kind === "pad") for (const s of [0, ev.chord[1], 7]) voice("triangle", hz(ev.chord[0] + s - 12), ev.dur, 0.035, { attack: 0.3, detune: (Math.random() - 0.5) * 12 });
      else if (ev.kind === "count") { S.count = { n: ev.n, t: 0 }; g.sfx.play("blip", { pitch: ev.n === 1 ? 2 : 1.5 }); }
    }
    S.beatPulse = Math.max(0, S.beatPulse - dt * 3);
    if (S.count) { S.count.t += dt; if (S.count.t > 0.6 && S.count.n === 1) S.count = null; }

    // input
    const ptr = g.input.pointer;
    let ptrLane = null;
    if (ptr && ptr.pressed) {
      if (ptr.y > HIT_Y - 140) {
        const l = Math.floor((ptr.x - LANE_X0) / LANE_W);
        ptrLane = l >= 0 && l < 4 ? l : 4;
      } else ptrLane = 4;
    }
    for (let li = 0; li < 5; li++) {
      const pressed = li < 4 ? LANE_KEYS[li].some((k) => g.input.pressed(k)) || ptrLane === li : g.input.pressed("action") || ptrLane === 4;
      const held = li < 4 ? LANE_KEYS[li].some((k) => g.input.down(k)) : g.input.down("action");
      if (held || pressed) S.press[li] = 1; else S.press[li] = Math.max(0, S.press[li] - dt * 8);
      if (!pressed) continue;
      const lane = li < 4 ? li : -1;
      let best = null, bestAd = 1e9;
      for (const n of g.all("note")) {
        if (n.judged || n.lane !== lane) continue;
        const d = now - n.t;
        if (Math.abs(d) <= LATE && Math.abs(d) < bestAd) { best = n; bestAd = Math.abs(d); }
      }
      if (best) judge(best, now - best.t);
      else { g.sfx.play("click", { pitch: 0.7 + li * 0.1 }); g.emit("tap", { lane }); }
      if (g.phase !== "playing") return;
    }

    // notes: telemetry position + misses
    for (const n of g.all("note")) {
      const d = n.t - now;
      if (d < -LATE) { miss(n); if (g.phase !== "playing") return; continue; }
      const k = kOfT(d);
      const xb = n.lane < 0 ? W / 2 : LANE_X0 + LANE_W * (n.lane + 0.5);
      n.x = xOf(xb, k); n.y = yOfK(k);
    }
    for (const r of S.rings) r.t += dt;
    S.rings = S.rings.filter((r) => r.t < 0.45);
    for (let i = 0; i < 5; i++) S.flash[i] = Math.max(0, S.flash[i] - dt * 4);
    if (S.judge) S.judge.t += dt;
    for (let i = 0; i < 24; i++) S.eq[i] = Math.max(0.04, S.eq[i] - dt * 2.2);
  }

  // ------------------------------------------------------------------ drawing
  function drawBackground(ctx, t) {
    const bg = ctx.createLinearGradient(0, 0, 0, H);
    bg.addColorStop(0, "#120624"); bg.addColorStop(0.5, "#1c0b3a"); bg.addColorStop(1, "#07030f");
    ctx.fillStyle = bg; ctx.fillRect(0, 0, W, H);
    const pulse = S ? S.beatPulse : 0;
    const glow = ctx.createRadialGradient(W / 2, HIT_Y, 20, W / 2, HIT_Y, 520);
    glow.addColorStop(0, `rgba(255,60,180,${0.12 + pulse * 0.12})`); glow.addColorStop(1, "rgba(255,60,180,0)");
    ctx.fillStyle = glow; ctx.fillRect(0, 0, W, H);
    // stars
    for (let i = 0; i < 70; i++) {
      const x = STARS[i * 3] * W, y = STARS[i * 3 + 1] * 330;
      ctx.globalAlpha = 0.2 + 0.3 * Math.abs(Math.sin(t * (0.6 + STARS[i * 3 + 2]) + i));
      ctx.fillStyle = "#e8d8ff"; ctx.fillRect(x, y, 1.8, 1.8);
    }
    ctx.globalAlpha = 1;
    if (!S) return;
    // synthwave floor grid: rays to the vanishing point and rungs that ride the beat
    const kTop = (TOP_Y - VP_Y) / (HIT_Y - VP_Y), kBot = (H + 10 - VP_Y) / (HIT_Y - VP_Y);
    ctx.lineWidth = 1;
    for (let xb = -1900; xb <= W + 1900; xb += 120) {
      ctx.strokeStyle = `rgba(190,90,255,${0.10 + pulse * 0.06})`;
      ctx.beginPath(); ctx.moveTo(xOf(xb, kTop), TOP_Y); ctx.lineTo(xOf(xb, kBot), yOfK(kBot)); ctx.stroke();
    }
    const now = S.songT;
    for (const bar of S.bars) for (let b = 0; b < 8; b++) {
      const d = bar.t0 + b * bar.beat / 2 - now;
      if (d < -0.6 || d > leadTime()) continue;
      const k = kOfT(d), y = yOfK(k);
      if (y < TOP_Y || y > H) continue;
      ctx.strokeStyle = `rgba(190,90,255,${(b % 2 ? 0.07 : 0.16) * Math.min(1, k * 1.4)})`;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(W, y); ctx.stroke();
    }
    // side equalizers: twelve bars each side, kicked by the beat and by your hits
    for (let side = 0; side < 2; side++) for (let i = 0; i < 12; i++) {
      const v = S.eq[i + side * 12];
      const x = side ? W - 46 - i * 11 : 38 + i * 11;
      const hgt = 12 + v * 150 * (1 - i * 0.05);
      const gr = ctx.createLinearGradient(0, 470 - hgt, 0, 470);
      gr.addColorStop(0, "rgba(255,120,220,0.85)"); gr.addColorStop(1, "rgba(90,120,255,0.15)");
      ctx.fillStyle = gr;
      for (let y = 470; y > 470 - hgt; y -= 7) ctx.fillRect(x, y - 5, 8, 5);
    }
  }

  function lanePoly(ctx, xb0, xb1, k0, k1) {
    ctx.beginPath();
    ctx.moveTo(xOf(xb0, k0), yOfK(k0)); ctx.lineTo(xOf(xb1, k0), yOfK(k0));
    ctx.lineTo(xOf(xb1, k1), yOfK(k1)); ctx.lineTo(xOf(xb0, k1), yOfK(k1));
    ctx.closePath();
  }

  function drawHighway(ctx, t) {
    const kTop = (TOP_Y - VP_Y) / (HIT_Y - VP_Y), kBot = (H + 10 - VP_Y) / (HIT_Y - VP_Y);
    // road
    lanePoly(ctx, LANE_X0 - 8, LANE_X0 + LANE_W * 4 + 8, kTop, kBot);
    const road = ctx.createLinearGradient(0, TOP_Y, 0, H);
    road.addColorStop(0, "rgba(20,10,40,0.3)"); road.addColorStop(1, "rgba(30,14,60,0.95)");
    ctx.fillStyle = road; ctx.fill();
    for (let l = 0; l < 4; l++) {
      const c = LANE_COLORS[l];
      const a = 0.05 + S.press[l] * 0.18 + S.flash[l] * 0.25;
      lanePoly(ctx, LANE_X0 + l * LANE_W + 2, LANE_X0 + (l + 1) * LANE_W - 2, kTop, kBot);
      const gr = ctx.createLinearGradient(0, TOP_Y, 0, HIT_Y);
      gr.addColorStop(0, `rgba(${c[0]},${c[1]},${c[2]},0)`); gr.addColorStop(1, `rgba(${c[0]},${c[1]},${c[2]},${a})`);
      ctx.fillStyle = gr; ctx.fill();
    }
    // lane dividers
    ctx.lineWidth = 1.5;
    for (let l = 0; l <= 4; l++) {
      const xb = LANE_X0 + l * LANE_W;
      const gr = ctx.createLinearGradient(0, TOP_Y, 0, H);
      gr.addColorStop(0, "rgba(200,160,255,0)"); gr.addColorStop(1, l === 0 || l === 4 ? "rgba(230,200,255,0.8)" : "rgba(200,160,255,0.3)");
      ctx.strokeStyle = gr;
      ctx.beginPath(); ctx.moveTo(xOf(xb, kTop), TOP_Y); ctx.lineTo(xOf(xb, kBot), yOfK(kBot)); ctx.stroke();
    }
    // beat lines travelling with the notes
    const now = S.songT;
    for (const bar of S.bars) {
      for (let b = 0; b < 4; b++) {
        const bt = bar.t0 + b * bar.beat;
        const d = bt - now;
        if (d < -0.3 || d > leadTime()) continue;
        const k = kOfT(d), y = yOfK(k);
        if (y < TOP_Y) continue;
        ctx.strokeStyle = b === 0 ? `rgba(255,210,255,${0.45 * k})` : `rgba(200,170,255,${0.18 * k})`;
        ctx.lineWidth = b === 0 ? 2 : 1;
        ctx.beginPath(); ctx.moveTo(xOf(LANE_X0, k), y); ctx.lineTo(xOf(LANE_X0 + LANE_W * 4, k), y); ctx.stroke();
      }
    }
  }

  function drawReceptors(ctx, t) {
    const pulse = S.beatPulse;
    // hit line
    ctx.save();
    ctx.shadowColor = "#ff8ae0"; ctx.shadowBlur = 14 + pulse * 14;
    ctx.strokeStyle = `rgba(255,210,250,${0.7 + pulse * 0.3})`; ctx.lineWidth = 3;
    ctx.beginPath(); ctx.moveTo(LANE_X0 - 10, HIT_Y); ctx.lineTo(LANE_X0 + LANE_W * 4 + 10, HIT_Y); ctx.stroke();
    ctx.restore();
    for (let l = 0; l < 4; l++) {
      const c = LANE_COLORS[l];
      const cx = LANE_X0 + LANE_W * (l + 0.5);
      const p = S.press[l];
      const w = LANE_W - 22, h = 30;
      ctx.save();
      ctx.translate(cx, HIT_Y);
      const sc = 1 - p * 0.08 + S.flash[l] * 0.1;
      ctx.scale(sc, sc);
      ctx.shadowColor = `rgb(${c.join(",")})`; ctx.shadowBlur = 8 + p * 20 + S.flash[l] * 25;
      ctx.fillStyle = `rgba(${c[0]},${c[1]},${c[2]},${0.12 + p * 0.55})`;
      ctx.strokeStyle = `rgba(${c[0]},${c[1]},${c[2]},0.95)`; ctx.lineWidth = 2.5;
      g.roundRect(ctx, -w / 2, -h / 2, w, h, 10); ctx.fill(); ctx.stroke();
      ctx.shadowBlur = 0;
      ctx.fillStyle = p > 0.5 ? "#1a0a26" : "#ffffff";
      ctx.font = "900 22px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(LANE_GLYPH[l], 0, 1);
      ctx.restore();
      ctx.fillStyle = "rgba(230,210,255,0.55)"; ctx.font = "600 12px system-ui, sans-serif"; ctx.textAlign = "center";
      ctx.fillText(LANE_ALT[l], cx, HIT_Y + 26);
    }
    // space pad strip
    const p = S.press[4];
    ctx.fillStyle = `rgba(230,200,255,${0.1 + p * 0.4 + S.flash[4] * 0.4})`;
    g.roundRect(ctx, LANE_X0 + 30, HIT_Y + 38, LANE_W * 4 - 60, 16, 8); ctx.fill();
    ctx.fillStyle = p > 0.5 ? "#1a0a26" : "rgba(240,225,255,0.75)"; ctx.font = "700 10px system-ui, sans-serif"; ctx.textBaseline = "middle";
    ctx.fillText("SPACE — PULSE BARS", W / 2, HIT_Y + 46.5);
  }

  function drawNotes(ctx, t) {
    const now = S.songT;
    const notes = g.all("note").slice().sort((a, b) => b.t - a.t);
    for (const n of notes) {
      const d = n.t - now;
      if (d > leadTime()) continue;
      const k = kOfT(d), y = yOfK(k);
      if (y < TOP_Y - 5 || y > H + 30) continue;
      const fade = clamp((y - TOP_Y) / 60, 0, 1);
      ctx.globalAlpha = fade;
      if (n.lane < 0) {
        const x0 = xOf(LANE_X0 + 4, k), x1 = xOf(LANE_X0 + LANE_W * 4 - 4, k), h = 14 * k;
        ctx.save();
        ctx.shadowColor = "#d9a8ff"; ctx.shadowBlur = 18 * k;
        const gr = ctx.createLinearGradient(x0, 0, x1, 0);
        gr.addColorStop(0, "#ff7ad0"); gr.addColorStop(0.5, "#ffffff"); gr.addColorStop(1, "#7ad8ff");
        ctx.fillStyle = gr; g.roundRect(ctx, x0, y - h / 2, x1 - x0, h, h / 2); ctx.fill();
        ctx.restore();
        continue;
      }
      const c = LANE_COLORS[n.lane];
      const cx = xOf(LANE_X0 + LANE_W * (n.lane + 0.5), k);
      const w = (LANE_W - 26) * k, h = 24 * k;
      ctx.save();
      ctx.shadowColor = `rgb(${c.join(",")})`; ctx.shadowBlur = 16 * k;
      const gr = ctx.createLinearGradient(0, y - h / 2, 0, y + h / 2);
      gr.addColorStop(0, `rgb(${Math.min(255, c[0] + 90)},${Math.min(255, c[1] + 90)},${Math.min(255, c[2] + 90)})`);
      gr.addColorStop(1, `rgb(${c[0] * 0.6 | 0},${c[1] * 0.6 | 0},${c[2] * 0.6 | 0})`);
      ctx.fillStyle = gr;
      g.roundRect(ctx, cx - w / 2, y - h / 2, w, h, 8 * k); ctx.fill();
      ctx.restore();
      ctx.fillStyle = "rgba(255,255,255,0.55)";
      g.roundRect(ctx, cx - w / 2 + 5 * k, y - h / 2 + 3 * k, w - 10 * k, 5 * k, 3 * k); ctx.fill();
    }
    ctx.globalAlpha = 1;
    // hit rings
    for (const r of S.rings) {
      const a = 1 - r.t / 0.45;
      ctx.strokeStyle = `rgba(${r.color.join(",")},${a})`; ctx.lineWidth = 3 * a + 1;
      if (r.wide) { ctx.strokeRect(LANE_X0 - r.t * 60, HIT_Y - 15 - r.t * 40, LANE_W * 4 + r.t * 120, 30 + r.t * 80); }
      else { ctx.beginPath(); ctx.ellipse(r.x, r.y, 30 + r.t * 110, 12 + r.t * 40, 0, 0, Math.PI * 2); ctx.stroke(); }
    }
  }

  function draw(gg, ctx) {
    if (!S) return;
    const t = clock();
    drawBackground(ctx, t);
    drawHighway(ctx, t);
    drawNotes(ctx, t);
    drawReceptors(ctx, t);
  }

  function drawHud(gg, ctx) {
    if (!S || g.phase === "title") return;
    ctx.save();
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    const judged = S.perfect + S.good + S.miss;
    const acc = judged ? ((S.perfect + S.good * 0.5) / judged) * 100 : 100;
    ctx.font = "700 14px system-ui, sans-serif"; ctx.fillStyle = "rgba(235,220,255,0.85)";
    ctx.fillText(`LEVEL ${level()}  •  ${Math.round(bpm())} BPM  •  ACC ${acc.toFixed(1)}%`, W / 2, 20);
    // miss streak pips
    ctx.font = "600 11px system-ui, sans-serif"; ctx.fillStyle = "rgba(255,170,190,0.8)";
    ctx.textAlign = "right"; ctx.fillText(S.streak ? `${S.streak}/${MAX_STREAK} misses in a row` : "", W - 16, 46);
    ctx.textAlign = "center";
    // combo
    if (S.combo >= 3) {
      const m = mult();
      ctx.font = "800 34px system-ui, sans-serif";
      ctx.fillStyle = `rgba(255,255,255,${0.75 + S.beatPulse * 0.25})`;
      ctx.fillText(S.combo, W / 2, 210);
      ctx.font = "700 12px system-ui, sans-serif"; ctx.fillStyle = "rgba(240,220,255,0.8)";
      ctx.fillText(m > 1 ? `COMBO  ×${m}` : "COMBO", W / 2, 236);
    }
    // judgement
    if (S.judge && S.judge.t < 0.6 && g.phase === "playing") {
      const j = S.judge, a = 1 - j.t / 0.6, s = 1 + Math.max(0, 0.15 - j.t) * 3;
      ctx.save(); ctx.translate(W / 2, 282); ctx.scale(s, s);
      ctx.globalAlpha = a * 0.9;
      ctx.shadowColor = j.color; ctx.shadowBlur = 18;
      ctx.font = "900 34px system-ui, sans-serif"; ctx.fillStyle = j.color;
      ctx.fillText(j.text, 0, 0);
      ctx.shadowBlur = 0;
      if (j.late && !j.exact) { ctx.font = "600 13px system-ui, sans-serif"; ctx.fillStyle = "rgba(255,255,255,0.7)"; ctx.fillText(j.late, 0, 28); }
      ctx.restore();
    }
    // count-in
    if (S.count && g.phase === "playing") {
      const a = 1 - Math.min(1, S.count.t / 0.55);
      ctx.globalAlpha = a;
      ctx.font = "900 72px system-ui, sans-serif"; ctx.fillStyle = "#ffe8ff";
      ctx.fillText(S.count.n === 1 ? "GO!" : String(S.count.n - 1), W / 2, 300);
      ctx.globalAlpha = 1;
    }
    if (S.banner && g.phase === "playing") {
      const a = Math.min(1, S.banner.t / 0.4);
      ctx.globalAlpha = a;
      ctx.shadowColor = "#ff7ad0"; ctx.shadowBlur = 22;
      ctx.font = "900 44px system-ui, sans-serif"; ctx.fillStyle = "#ffffff";
      ctx.fillText(S.banner.text, W / 2, 140);
      ctx.shadowBlur = 0; ctx.font = "700 16px system-ui, sans-serif"; ctx.fillStyle = "#ffc8f0";
      ctx.fillText(S.banner.sub, W / 2, 172);
      ctx.globalAlpha = 1;
    }
    if (g.phase === "over") {
      ctx.font = "600 16px system-ui, sans-serif"; ctx.fillStyle = "#f0e0ff";
      ctx.fillText(`accuracy ${acc.toFixed(1)}%  •  max combo ${S.maxCombo}  •  ${S.perfect} perfect / ${S.good} good / ${S.miss} miss`, W / 2, H * 0.62);
    }
    ctx.restore();
  }

  g = Kit.game({
    title: "Pulse Lane",
    width: W, height: H,
    background: "#120624",
    lives: MAX_STREAK,
    controls: ["←↓↑→ or A S W D: strike the four lanes", "Space: strike the full-width pulse bars", "Hit on the line: PERFECT / GOOD — combos multiply", "5 misses in a row end the run  •  R: restart"],
    modules: {
      beat_clock: { bpm: 118, per_bar: 4, volume: 1 },
      particles: { amount: 1, colors: { perfect: "#ffffff", good: "#d8ffc8", level_up: "#ff9ee6" } },
      screen_shake: { magnitude: 7, duration: 0.15, events: ["miss", "flatline"] },
      floating_text: { texts: { combo: "{n} COMBO!" }, color: "#ffe066" },
    },
    init(gg) { g = gg; newRun(); },
    update,
    draw,
    drawHud,
  });
})();
