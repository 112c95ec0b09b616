// Moss Maze — a glowing spore in a overgrown labyrinth. Drink every dewdrop, then slip into the
// portal stone. Beetles hunt you by scent; the moss you leave behind slows them down, and a dash
// (Space) flips any beetle you ram onto its back. Spore pods stun every beetle nearby.
(function () {
  "use strict";
  const W = 800, H = 600;
  const T = 32, COLS = 25, ROWS = 17, OY = 56;
  const P_SIZE = 20, E_SIZE = 22;
  const DIRS = [[1, 0], [-1, 0], [0, 1], [0, -1]];

  let g = null;
  let S = null;
  const rnd = (a, b) => a + Math.random() * (b - a);
  const clamp = (v, a, b) => (v < a ? a : v > b ? b : v);
  const clock = () => performance.now() / 1000;

  // ------------------------------------------------------------------ maze
  function makeMaze(level) {
    const m = [];
    for (let r = 0; r < ROWS; r++) m.push(new Array(COLS).fill(1));
    const stack = [[1, 1]];
    m[1][1] = 0;
    while (stack.length) {
      const [c, r] = stack[stack.length - 1];
      const opts = [];
      for (const [dc, dr] of DIRS) {
        const nc = c + dc * 2, nr = r + dr * 2;
        if (nc > 0 && nc < COLS - 1 && nr > 0 && nr < ROWS - 1 && m[nr][nc] === 1) opts.push([nc, nr, dc, dr]);
      }
      if (!opts.length) { stack.pop(); continue; }
      const [nc, nr, dc, dr] = opts[(Math.random() * opts.length) | 0];
      m[r + dr][c + dc] = 0; m[nr][nc] = 0;
      stack.push([nc, nr]);
    }
    // Braid: open most dead ends so there is always a way around a beetle.
    for (let r = 1; r < ROWS - 1; r++) for (let c = 1; c < COLS - 1; c++) {
      if (m[r][c] !== 0) continue;
      const walls = DIRS.filter(([dc, dr]) => m[r + dr][c + dc] === 1);
      if (walls.length >= 3 && Math.random() < 0.85) {
        const ok = walls.filter(([dc, dr]) => {
          const c2 = c + dc * 2, r2 = r + dr * 2;
          return c2 > 0 && c2 < COLS - 1 && r2 > 0 && r2 < ROWS - 1 && m[r2][c2] === 0;
        });
        if (ok.length) { const [dc, dr] = ok[(Math.random() * ok.length) | 0]; m[r + dr][c + dc] = 0; }
      }
    }
    // A few extra loops.
    for (let i = 0; i < 10 + level * 2; i++) {
      const c = 1 + ((Math.random() * (COLS - 2)) | 0), r = 1 + ((Math.random() * (ROWS - 2)) | 0);
      if (m[r][c] !== 1) continue;
      if ((m[r][c - 1] === 0 && m[r][c + 1] === 0 && m[r - 1][c] === 1 && m[r + 1][c] === 1) ||
          (m[r - 1][c] === 0 && m[r + 1][c] === 0 && m[r][c - 1] === 1 && m[r][c + 1] === 1)) m[r][c] = 0;
    }
    // The beetle den in the middle.
    for (let r = 7; r <= 9; r++) for (let c = 11; c <= 13; c++) m[r][c] = 0;
    m[6][12] = 0; m[10][12] = 0;
    return m;
  }
  const isWall = (c, r) => c < 0 || r < 0 || c >= COLS || r >= ROWS || S.maze[r][c] === 1;
  const tileOf = (x, y) => [Math.floor(x / T), Math.floor((y - OY) / T)];
  const tileCenter = (c, r) => [c * T + T / 2, OY + r * T + T / 2];

  function bfs(fromC, fromR) {
    const d = S.dist;
    for (let r = 0; r < ROWS; r++) d[r].fill(9999);
    const q = [[fromC, fromR]];
    d[fromR][fromC] = 0;
    for (let i = 0; i < q.length; i++) {
      const [c, r] = q[i];
      for (const [dc, dr] of DIRS) {
        const nc = c + dc, nr = r + dr;
        if (!isWall(nc, nr) && d[nr][nc] > d[r][c] + 1) { d[nr][nc] = d[r][c] + 1; q.push([nc, nr]); }
      }
    }
  }

  // ------------------------------------------------------------------ pre-rendered level art
  function renderMazeArt() {
    const cv = document.createElement("canvas");
    cv.width = W; cv.height = H;
    const x = cv.getContext("2d");
    // soil
    const soil = x.createRadialGradient(W / 2, H / 2 + 20, 60, W / 2, H / 2, 520);
    soil.addColorStop(0, "#1f1a12"); soil.addColorStop(1, "#0c0a07");
    x.fillStyle = soil; x.fillRect(0, OY, W, H - OY);
    for (let i = 0; i < 520; i++) {
      x.fillStyle = `rgba(${150 + Math.random() * 60 | 0},${120 + Math.random() * 50 | 0},${80 + Math.random() * 40 | 0},${Math.random() * 0.12})`;
      x.beginPath(); x.arc(rnd(0, W), rnd(OY, H), rnd(0.5, 2.2), 0, Math.PI * 2); x.fill();
    }
    // walls: continuous rounded stone with moss caps
    const wallPath = (inset, rad) => {
      for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) {
        if (S.maze[r][c] !== 1) continue;
        const px = c * T, py = OY + r * T;
        const l = !isWall(c - 1, r) ? inset : 0, rr = !isWall(c + 1, r) ? inset : 0;
        const t = !isWall(c, r - 1) ? inset : 0, b = !isWall(c, r + 1) ? inset : 0;
        const rx = px + l, ry = py + t, rw = T - l - rr, rh = T - t - b;
        x.beginPath();
        const k = rad;
        x.moveTo(rx + (t && l ? k : 0), ry);
        x.lineTo(rx + rw - (t && rr ? k : 0), ry);
        if (t && rr) x.quadraticCurveTo(rx + rw, ry, rx + rw, ry + k);
        x.lineTo(rx + rw, ry + rh - (b && rr ? k : 0));
        if (b && rr) x.quadraticCurveTo(rx + rw, ry + rh, rx + rw - k, ry + rh);
        x.lineTo(rx + (b && l ? k : 0), ry + rh);
        if (b && l) x.quadraticCurveTo(rx, ry + rh, rx, ry + rh - k);
        x.lineTo(rx, ry + (t && l ? k : 0));
        if (t && l) x.quadraticCurveTo(rx, ry, rx + k, ry);
        x.closePath();
        x.fill();
      }
    };
    x.save();
    x.shadowColor = "rgba(0,0,0,0.8)"; x.shadowBlur = 14; x.shadowOffsetY = 5;
    x.fillStyle = "#24362b"; wallPath(3, 9);
    x.restore();
    const stone = x.createLinearGradient(0, OY, 0, H);
    stone.addColorStop(0, "#3d5a45"); stone.addColorStop(1, "#2a4032");
    x.fillStyle = stone; wallPath(3, 9);
    x.fillStyle = "rgba(160,220,170,0.10)"; wallPath(6, 7);
    // stone speckles + moss tufts on top edges
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) {
      if (S.maze[r][c] !== 1) continue;
      const px = c * T, py = OY + r * T;
      for (let i = 0; i < 3; i++) {
        x.fillStyle = `rgba(10,20,14,${rnd(0.15, 0.35)})`;
        x.beginPath(); x.arc(px + rnd(6, T - 6), py + rnd(6, T - 6), rnd(1, 3), 0, Math.PI * 2); x.fill();
      }
      if (!isWall(c, r + 1) || !isWall(c, r - 1) || !isWall(c - 1, r) || !isWall(c + 1, r)) {
        for (let i = 0; i < 6; i++) {
          const mx = px + rnd(4, T - 4), my = py + rnd(3, 11);
          x.fillStyle = `hsla(${rnd(95, 130)},${rnd(45, 70)}%,${rnd(30, 48)}%,0.9)`;
          x.beginPath(); x.arc(mx, my, rnd(2, 4.5), 0, Math.PI * 2); x.fill();
        }
      }
    }
    // den floor
    const [dx, dy] = tileCenter(12, 8);
    const den = x.createRadialGradient(dx, dy, 4, dx, dy, 60);
    den.addColorStop(0, "rgba(120,40,40,0.35)"); den.addColorStop(1, "rgba(120,40,40,0)");
    x.fillStyle = den; x.fillRect(dx - 60, dy - 60, 120, 120);
    return cv;
  }

  // ------------------------------------------------------------------ level
  function buildLevel() {
    for (const tag of ["dew", "pod", "beetle", "portal"]) for (const e of g.all(tag)) g.remove(e);
    S.maze = makeMaze(S.level);
    S.dist = []; S.moss = [];
    for (let r = 0; r < ROWS; r++) { S.dist.push(new Array(COLS).fill(9999)); S.moss.push(new Array(COLS).fill(0)); }
    S.art = renderMazeArt();
    const [sx, sy] = tileCenter(1, 1);
    const p = S.player;
    p.x = sx - P_SIZE / 2; p.y = sy - P_SIZE / 2; p.face = [1, 0];
    p.spawn = { x: p.x, y: p.y };          // the lives module respawns us here
    p.invulnerable = 1.5;
    // dew on far-enough floor tiles
    const floors = [];
    for (let r = 1; r < ROWS - 1; r++) for (let c = 1; c < COLS - 1; c++) {
      if (S.maze[r][c] !== 0) continue;
      if (c + r < 4) continue;
      if (c >= 11 && c <= 13 && r >= 6 && r <= 10) continue;
      if (c === COLS - 2 && r === ROWS - 2) continue;
      floors.push([c, r]);
    }
    for (let i = floors.length - 1; i > 0; i--) { const j = (Math.random() * (i + 1)) | 0; [floors[i], floors[j]] = [floors[j], floors[i]]; }
    const nDew = Math.min(floors.length - 4, 34 + S.level * 4);
    for (let i = 0; i < nDew; i++) {
      const [c, r] = floors[i];
      const [cx, cy] = tileCenter(c, r);
      g.add({ x: cx - 6, y: cy - 6, w: 12, h: 12, tags: ["coin", "dew"], value: 10, phase: Math.random() * 6.28 });
    }
    for (let i = 0; i < 3; i++) {
      const [c, r] = floors[nDew + i];
      const [cx, cy] = tileCenter(c, r);
      g.add({ x: cx - 9, y: cy - 9, w: 18, h: 18, tags: ["pod"], phase: Math.random() * 6.28 });
    }
    S.dewTotal = nDew; S.dewLeft = nDew;
    const [px, py] = tileCenter(COLS - 2, ROWS - 2);
    S.portal = g.add({ x: px - 14, y: py - 14, w: 28, h: 28, tags: ["portal"], open: false, spin: 0 });
    // beetles
    const n = Math.min(2 + S.level, 8);
    for (let i = 0; i < n; i++) spawnBeetle(i);
    S.banner = { text: "MAZE " + S.level, sub: S.level === 1 ? "drink every dewdrop, then find the portal" : (n + " beetles are hungry"), t: 2.4 };
    S.levelTime = 0;
    bfs(1, 1);
  }
  function spawnBeetle(i) {
    const spots = [[11, 7], [13, 9], [13, 7], [11, 9], [12, 8], [12, 7], [12, 9], [11, 8]];
    const [c, r] = spots[i % spots.length];
    const [cx, cy] = tileCenter(c, r);
    const kind = i % 3 === 2 ? "moth" : "beetle";
    return g.add({
      x: cx - E_SIZE / 2, y: cy - E_SIZE / 2, w: E_SIZE, h: E_SIZE, tags: ["beetle"], kind,
      c, r, tc: c, tr: r, dir: [0, -1], stun: 1.2 + i * 0.6, hue: kind === "moth" ? 280 : 0, walk: Math.random() * 6,
      home: [c, r], seen: false,
    });
  }

  // ------------------------------------------------------------------ player motion
  function overlapsWall(x, y, w, h) {
    const c0 = Math.floor(x / T), c1 = Math.floor((x + w - 0.001) / T);
    const r0 = Math.floor((y - OY) / T), r1 = Math.floor((y + h - 0.001 - OY) / T);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (isWall(c, r)) return true;
    return false;
  }
  function moveAxis(e, dx, dy) {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy)) / 4));
    let moved = 0;
    for (let i = 0; i < steps; i++) {
      const nx = e.x + dx / steps, ny = e.y + dy / steps;
      if (overlapsWall(nx, ny, e.w, e.h)) break;
      e.x = nx; e.y = ny; moved++;
    }
    return moved === steps;
  }
  // Move with corner assist: when the way ahead is open from the nearest tile centre, slide onto it.
  function steer(e, ix, iy, dist) {
    let movedAny = false;
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const [c, r] = tileOf(cx, cy);
    const [tcx, tcy] = tileCenter(c, r);
    if (ix) {
      if (moveAxis(e, ix * dist, 0)) movedAny = true;
      else if (!iy && !isWall(c + ix, r)) {
        const d = tcy - cy; e.y += clamp(d, -dist, dist); movedAny = Math.abs(d) > 0.1;
        moveAxis(e, ix * dist * 0.5, 0);
      }
    }
    if (iy) {
      if (moveAxis(e, 0, iy * dist)) movedAny = true;
      else if (!ix && !isWall(c, r + iy)) {
        const d = tcx - cx; e.x += clamp(d, -dist, dist); movedAny = Math.abs(d) > 0.1;
        moveAxis(e, 0, iy * dist * 0.5);
      }
    }
    return movedAny;
  }

  // ------------------------------------------------------------------ run
  function newRun() {
    S = { level: 1, trail: [], ripples: [], chain: 0, dashT: 0, dashCd: 0, banner: null, levelTime: 0, spotted: 0, dewStreak: 0, dewStreakT: 0, portalHint: 0 };
    S.player = g.add({ x: 0, y: 0, w: P_SIZE, h: P_SIZE, tags: ["player"], face: [1, 0] });
    buildLevel();
    // kit coins collect the dew; kit lives handle beetle bites and the respawn
    g.on("coin", () => {
      S.dewLeft = g.all("dew").length;
      S.dewStreak++; S.dewStreakT = 0.6;
      g.emit("dew", { left: S.dewLeft });
    });
    g.on("all_coins", openPortal);
    g.on("life_lost", () => {
      g.emit("caught", {});
      g.fx.burst(S.player.x + 10, S.player.y + 10, "#d8ff6a", 26);
      S.dashT = 0;
      for (const b of g.all("beetle")) {
        const [c, r] = b.home; const [cx, cy] = tileCenter(c, r);
        b.x = cx - b.w / 2; b.y = cy - b.h / 2; b.c = b.tc = c; b.r = b.tr = r; b.stun = 1.5;
      }
    });
  }

  function update(gg, dt) {
    const p = S.player;
    S.levelTime += dt;
    if (S.banner) { S.banner.t -= dt; if (S.banner.t <= 0) S.banner = null; }
    S.dashCd = Math.max(0, S.dashCd - dt);
    S.dewStreakT -= dt; if (S.dewStreakT <= 0) S.dewStreak = 0;

    // --- input ---
    let ix = 0, iy = 0;
    if (g.input.down("left")) ix -= 1;
    if (g.input.down("right")) ix += 1;
    if (g.input.down("up")) iy -= 1;
    if (g.input.down("down")) iy += 1;
    const ptr = g.input.pointer;
    if (!ix && !iy && ptr && ptr.down) {
      const dx = ptr.x - (p.x + p.w / 2), dy = ptr.y - (p.y + p.h / 2);
      if (Math.abs(dx) > 8 || Math.abs(dy) > 8) {
        if (Math.abs(dx) > Math.abs(dy) * 0.5) ix = Math.sign(dx);
        if (Math.abs(dy) > Math.abs(dx) * 0.5) iy = Math.sign(dy);
      }
    }
    if (ix || iy) p.face = [ix, ix ? 0 : iy];
    if ((g.input.pressed("action") || g.input.pressed("alt")) && S.dashCd <= 0) {
      S.dashT = 0.2; S.dashCd = 1.0; S.dashDir = [p.face[0], p.face[1]]; S.chain = 0;
      p.invulnerable = Math.max(p.invulnerable || 0, 0.3);
      g.sfx.play("jump", { pitch: 0.6 });
      g.emit("dash", {});
      g.fx.shake(2, 0.08);
    }

    // --- movement ---
    const speed = 150;
    if (S.dashT > 0) {
      S.dashT -= dt;
      steer(p, S.dashDir[0], S.dashDir[1], 560 * dt);
      S.trail.push({ x: p.x + p.w / 2, y: p.y + p.h / 2, t: 0.35 });
    } else if (ix || iy) {
      steer(p, ix, iy, speed * dt);
    }
    p.moving = !!(ix || iy) || S.dashT > 0;
    const [pc, pr] = tileOf(p.x + p.w / 2, p.y + p.h / 2);
    if (!isWall(pc, pr)) S.moss[pr][pc] = Math.min(1, S.moss[pr][pc] + dt * 6);
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) if (S.moss[r][c] > 0) S.moss[r][c] = Math.max(0, S.moss[r][c] - dt / 8);
    if (S.trail.length) { for (const q of S.trail) q.t -= dt; S.trail = S.trail.filter((q) => q.t > 0); }

    // --- scent field ---
    S.bfsT = (S.bfsT || 0) - dt;
    if (S.bfsT <= 0 || pc !== S.lastPc || pr !== S.lastPr) { bfs(pc, pr); S.bfsT = 0.25; S.lastPc = pc; S.lastPr = pr; }

    // --- pickups ---
    for (const pod of g.all("pod")) {
      if (!g.overlap(p, pod)) continue;
      g.remove(pod);
      g.addScore(50, pod.x + 9, pod.y);
      g.sfx.play("explode", { pitch: 1.6 });
      g.fx.flash("#9dff9d", 0.15);
      S.ripples.push({ x: pod.x + 9, y: pod.y + 9, t: 0 });
      let n = 0;
      for (const e of g.all("beetle")) {
        const d = Math.hypot(e.x - pod.x, e.y - pod.y);
        if (d < T * 5) { e.stun = Math.max(e.stun, 3.5); n++; }
      }
      g.emit("spore_burst", { stunned: n, x: pod.x + 9, y: pod.y + 9 });
    }
    if (S.portal.open && g.overlap(p, S.portal)) { levelClear(); return; }

    // --- beetles ---
    const lvl = S.level;
    const ramp = 1 + Math.min(0.3, S.levelTime / 100);
    let closest = 99;
    for (const e of g.all("beetle")) {
      e.walk += dt * 10;
      // only a beetle on its feet bites (the lives module hurts the player on "enemy" contact)
      const active = e.stun <= 0;
      if (active && !e.tags.includes("enemy")) e.tags.push("enemy");
      if (!active && e.tags.includes("enemy")) e.tags.splice(e.tags.indexOf("enemy"), 1);
      if (e.stun > 0) { e.stun -= dt; if (e.stun <= 0) g.emit("beetle_wake", {}); continue; }
      const [cx, cy] = tileCenter(e.tc, e.tr);
      const ex = e.x + e.w / 2, ey = e.y + e.h / 2;
      const mossK = S.moss[e.r] ? S.moss[e.r][e.c] : 0;
      let sp = (e.kind === "moth" ? 78 : 88) + lvl * 7;
      sp *= ramp * (1 - 0.6 * mossK);
      const dx = cx - ex, dy = cy - ey, dd = Math.hypot(dx, dy);
      if (dd <= sp * dt) {
        e.x = cx - e.w / 2; e.y = cy - e.h / 2; e.c = e.tc; e.r = e.tr;
        chooseNext(e);
      } else {
        e.x += (dx / dd) * sp * dt; e.y += (dy / dd) * sp * dt;
      }
      closest = Math.min(closest, S.dist[e.r] ? S.dist[e.r][e.c] : 99);
      // contact
      const pcx = p.x + p.w / 2, pcy = p.y + p.h / 2;
      if (Math.hypot(pcx - (e.x + e.w / 2), pcy - (e.y + e.h / 2)) < 19) {
        if (S.dashT > 0 || (p.invulnerable > 0 && S.dashCd > 0.6)) {
          e.stun = 4; e.tags = e.tags.filter((t) => t !== "enemy");
          S.chain++;
          const pts = g.addScore(100 * S.chain);
          g.sfx.play("hit", { pitch: 1.6 });
          // particles, screen_shake, hit_pause and floating_text all answer this event
          g.emit("stun", { chain: S.chain, pts, x: clamp(e.x + e.w / 2, 80, W - 80), y: e.y + e.h / 2 });
        }
      }
    }
    // a beetle closing in: heartbeat blip
    S.spotted -= dt;
    if (closest <= 4 && S.spotted <= 0) { g.sfx.play("blip", { pitch: 0.5 }); S.spotted = 0.5 + closest * 0.12; }
    S.danger = closest;
    for (const q of S.ripples) q.t += dt;
    S.ripples = S.ripples.filter((q) => q.t < 0.8);
  }

  function chooseNext(e) {
    const opts = [];
    for (const [dc, dr] of DIRS) {
      const nc = e.c + dc, nr = e.r + dr;
      if (isWall(nc, nr)) continue;
      opts.push([nc, nr, dc, dr]);
    }
    if (!opts.length) return;
    const nonRev = opts.filter(([, , dc, dr]) => !(dc === -e.dir[0] && dr === -e.dir[1]));
    const pool = nonRev.length ? nonRev : opts;
    const here = S.dist[e.r][e.c];
    let pickO;
    const smart = e.kind === "moth" ? (here < 7 ? 0.9 : 0.25) : Math.min(0.93, 0.68 + S.level * 0.05);
    if (Math.random() < smart) {
      pool.sort((a, b) => S.dist[a[1]][a[0]] - S.dist[b[1]][b[0]] || Math.random() - 0.5);
      pickO = pool[0];
    } else pickO = pool[(Math.random() * pool.length) | 0];
    e.tc = pickO[0]; e.tr = pickO[1]; e.dir = [pickO[2], pickO[3]];
  }

  function openPortal() {
    if (S.portal.open) return;
    S.dewLeft = 0;
    S.portal.open = true;
    g.sfx.play("powerup");
    g.fx.flash("#b8ffd8", 0.2);
    g.fx.text(W / 2, OY + 40, "THE PORTAL IS OPEN", "#b8ffd8");
    g.emit("portal_open", {});
  }

  function levelClear() {
    const bonus = 200 * S.level + Math.max(0, Math.round(90 - S.levelTime)) * 5;
    g.addScore(bonus, W / 2, H / 2);
    g.sfx.play("powerup", { pitch: 1.25 });
    g.fx.flash("#d6ffe6", 0.3);
    g.emit("level_clear", { level: S.level });
    S.level++;
    buildLevel();
  }

  // ------------------------------------------------------------------ drawing
  function drawMoss(ctx, t) {
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) {
      const m = S.moss[r][c];
      if (m <= 0.02) continue;
      const [cx, cy] = tileCenter(c, r);
      const gr = ctx.createRadialGradient(cx, cy, 2, cx, cy, 18);
      gr.addColorStop(0, `rgba(120,210,70,${m * 0.42})`); gr.addColorStop(1, "rgba(120,210,70,0)");
      ctx.fillStyle = gr; ctx.fillRect(cx - 18, cy - 18, 36, 36);
      for (let i = 0; i < 6; i++) {
        const a = (c * 7 + r * 13 + i * 2.1), rr = 4 + ((c * 3 + r * 5 + i * 7) % 9);
        ctx.fillStyle = `hsla(${95 + ((i * 11 + c) % 35)},75%,${45 + (i % 3) * 8}%,${m * 0.75})`;
        ctx.beginPath(); ctx.arc(cx + Math.cos(a) * rr, cy + Math.sin(a) * rr * 0.9, 1.6 + m * 1.8, 0, Math.PI * 2); ctx.fill();
      }
    }
  }

  function drawPickups(ctx, t) {
    ctx.save();
    ctx.globalCompositeOperation = "lighter";
    for (const d of g.all("dew")) {
      const cx = d.x + 6, cy = d.y + 6 + Math.sin(t * 3 + d.phase) * 1.5;
      const gr = ctx.createRadialGradient(cx, cy, 0, cx, cy, 11);
      gr.addColorStop(0, "rgba(140,230,255,0.55)"); gr.addColorStop(1, "rgba(140,230,255,0)");
      ctx.fillStyle = gr; ctx.fillRect(cx - 11, cy - 11, 22, 22);
    }
    ctx.restore();
    for (const d of g.all("dew")) {
      const cx = d.x + 6, cy = d.y + 6 + Math.sin(t * 3 + d.phase) * 1.5;
      ctx.fillStyle = "#bff3ff";
      ctx.beginPath(); ctx.moveTo(cx, cy - 6); ctx.quadraticCurveTo(cx + 5, cy + 1, cx, cy + 4); ctx.quadraticCurveTo(cx - 5, cy + 1, cx, cy - 6); ctx.fill();
      ctx.fillStyle = "#ffffff"; ctx.fillRect(cx - 1.5, cy - 1, 1.5, 2);
    }
    for (const pod of g.all("pod")) {
      const cx = pod.x + 9, cy = pod.y + 9;
      const pulse = 1 + Math.sin(t * 4 + pod.phase) * 0.08;
      ctx.save(); ctx.translate(cx, cy); ctx.scale(pulse, pulse);
      ctx.shadowColor = "#b6ff5c"; ctx.shadowBlur = 16;
      ctx.fillStyle = "#c9f26b";
      ctx.beginPath(); ctx.ellipse(0, 1, 7, 8, 0, 0, Math.PI * 2); ctx.fill();
      ctx.shadowBlur = 0;
      ctx.fillStyle = "#6d9c2a";
      for (let i = 0; i < 5; i++) { const a = i * 1.256 + t; ctx.beginPath(); ctx.arc(Math.cos(a) * 3.5, 1 + Math.sin(a) * 4, 1.3, 0, Math.PI * 2); ctx.fill(); }
      ctx.fillStyle = "#4a7a2a"; ctx.fillRect(-1, -10, 2, 4);
      ctx.restore();
    }
  }

  function drawPortal(ctx, t) {
    const pt = S.portal;
    const cx = pt.x + 14, cy = pt.y + 14;
    ctx.save();
    if (pt.open) {
      const gr = ctx.createRadialGradient(cx, cy, 2, cx, cy, 34);
      gr.addColorStop(0, "rgba(230,255,240,0.95)"); gr.addColorStop(0.4, "rgba(120,255,190,0.5)"); gr.addColorStop(1, "rgba(120,255,190,0)");
      ctx.fillStyle = gr; ctx.beginPath(); ctx.arc(cx, cy, 34, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "rgba(200,255,225,0.9)"; ctx.lineWidth = 2;
      for (let i = 0; i < 3; i++) {
        ctx.beginPath(); ctx.arc(cx, cy, 8 + i * 5, t * (2 + i) + i, t * (2 + i) + i + 4); ctx.stroke();
      }
    } else {
      ctx.fillStyle = "#45524b";
      ctx.beginPath(); ctx.arc(cx, cy, 12, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "rgba(140,200,170,0.35)"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(cx, cy, 8, 0, Math.PI * 2); ctx.stroke();
      const k = 1 - S.dewLeft / S.dewTotal;
      ctx.strokeStyle = "#8fe8ff"; ctx.lineWidth = 3;
      ctx.beginPath(); ctx.arc(cx, cy, 12, -Math.PI / 2, -Math.PI / 2 + k * Math.PI * 2); ctx.stroke();
    }
    ctx.restore();
  }

  function drawBeetle(ctx, e, t) {
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const ang = Math.atan2(e.dir[1], e.dir[0]);
    ctx.save();
    ctx.translate(cx, cy);
    if (e.stun > 0) {
      // flipped over, legs wiggling, stars circling
      ctx.rotate(Math.sin(t * 10) * 0.15);
      ctx.strokeStyle = "#2b1a10"; ctx.lineWidth = 2;
      for (let i = -1; i <= 1; i++) for (const s of [-1, 1]) {
        ctx.beginPath(); ctx.moveTo(i * 5, 0); ctx.lineTo(i * 6 + Math.sin(t * 20 + i) * 3, s * 12); ctx.stroke();
      }
      ctx.fillStyle = e.kind === "moth" ? "#c7a0e8" : "#e8b07a";
      ctx.beginPath(); ctx.ellipse(0, 0, 11, 8, 0, 0, Math.PI * 2); ctx.fill();
      ctx.fillStyle = "rgba(0,0,0,0.25)"; ctx.fillRect(-8, -1, 16, 2);
      ctx.rotate(-Math.sin(t * 10) * 0.15);
      for (let i = 0; i < 3; i++) {
        const a = t * 5 + i * 2.09;
        ctx.fillStyle = "#fff3a0";
        star(ctx, Math.cos(a) * 13, -10 + Math.sin(a) * 4, 3);
      }
      if (e.stun < 1 && Math.sin(t * 30) > 0) { ctx.globalAlpha = 0.5; ctx.fillStyle = "#fff"; ctx.beginPath(); ctx.ellipse(0, 0, 11, 8, 0, 0, Math.PI * 2); ctx.fill(); }
      ctx.restore();
      return;
    }
    ctx.rotate(ang);
    // glow
    const glow = ctx.createRadialGradient(0, 0, 2, 0, 0, 22);
    const hc = e.kind === "moth" ? "190,120,255" : "255,80,60";
    glow.addColorStop(0, `rgba(${hc},0.35)`); glow.addColorStop(1, `rgba(${hc},0)`);
    ctx.fillStyle = glow; ctx.fillRect(-22, -22, 44, 44);
    if (e.kind === "moth") {
      const flap = Math.sin(e.walk * 1.6) * 0.5 + 0.6;
      ctx.fillStyle = "rgba(190,140,255,0.75)";
      for (const s of [-1, 1]) {
        ctx.beginPath(); ctx.ellipse(-2, s * 7 * flap, 8, 5 * flap + 2, s * 0.5, 0, Math.PI * 2); ctx.fill();
      }
      ctx.fillStyle = "#5b3a86";
      ctx.beginPath(); ctx.ellipse(0, 0, 9, 4.5, 0, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "#e0c8ff"; ctx.lineWidth = 1.2;
      for (const s of [-1, 1]) { ctx.beginPath(); ctx.moveTo(8, 0); ctx.quadraticCurveTo(13, s * 3, 14, s * 7); ctx.stroke(); }
    } else {
      ctx.strokeStyle = "#1a0d08"; ctx.lineWidth = 2;
      for (let i = -1; i <= 1; i++) for (const s of [-1, 1]) {
        const sw = Math.sin(e.walk + i * 2 + (s > 0 ? 3 : 0)) * 3;
        ctx.beginPath(); ctx.moveTo(i * 5, s * 4); ctx.lineTo(i * 5 + sw, s * 12); ctx.stroke();
      }
      const shell = ctx.createLinearGradient(-10, -8, 10, 8);
      shell.addColorStop(0, "#ff6b4a"); shell.addColorStop(1, "#8a1d12");
      ctx.fillStyle = shell;
      ctx.beginPath(); ctx.ellipse(-1, 0, 11, 9, 0, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "rgba(0,0,0,0.55)"; ctx.lineWidth = 1.4;
      ctx.beginPath(); ctx.moveTo(-11, 0); ctx.lineTo(7, 0); ctx.stroke();
      ctx.fillStyle = "rgba(0,0,0,0.45)";
      for (const [sx, sy] of [[-5, -4], [-4, 4], [1, -5], [2, 5]]) { ctx.beginPath(); ctx.arc(sx, sy, 1.8, 0, Math.PI * 2); ctx.fill(); }
      ctx.fillStyle = "#2a120b";
      ctx.beginPath(); ctx.arc(9, 0, 5, 0, Math.PI * 2); ctx.fill();
    }
    ctx.fillStyle = "#fff6a0";
    ctx.beginPath(); ctx.arc(11, -2.5, 1.6, 0, Math.PI * 2); ctx.arc(11, 2.5, 1.6, 0, Math.PI * 2); ctx.fill();
    ctx.restore();
  }
  function star(ctx, x, y, r) {
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const a = i * Math.PI / 5 - Math.PI / 2, rr = i % 2 ? r * 0.45 : r;
      ctx.lineTo(x + Math.cos(a) * rr, y + Math.sin(a) * rr);
    }
    ctx.closePath(); ctx.fill();
  }

  function drawPlayer(ctx, t) {
    const p = S.player;
    const cx = p.x + p.w / 2, cy = p.y + p.h / 2;
    // dash trail
    for (const q of S.trail) {
      ctx.fillStyle = `rgba(210,255,120,${q.t * 1.4})`;
      ctx.beginPath(); ctx.arc(q.x, q.y, 9 * q.t / 0.35 + 2, 0, Math.PI * 2); ctx.fill();
    }
    if (p.invulnerable > 0 && S.dashT <= 0 && Math.sin(t * 30) > 0.3) return;
    ctx.save();
    ctx.globalCompositeOperation = "lighter";
    const halo = ctx.createRadialGradient(cx, cy, 2, cx, cy, 46);
    halo.addColorStop(0, "rgba(220,255,140,0.55)"); halo.addColorStop(0.35, "rgba(160,255,120,0.18)"); halo.addColorStop(1, "rgba(160,255,120,0)");
    ctx.fillStyle = halo; ctx.fillRect(cx - 46, cy - 46, 92, 92);
    ctx.restore();
    const bob = p.moving ? Math.sin(t * 18) * 1.2 : Math.sin(t * 3) * 0.8;
    const body = ctx.createRadialGradient(cx - 3, cy - 4 + bob, 1, cx, cy + bob, 11);
    body.addColorStop(0, "#fbffe0"); body.addColorStop(0.6, "#d6ff5a"); body.addColorStop(1, "#7fcf2a");
    ctx.fillStyle = body;
    ctx.beginPath(); ctx.arc(cx, cy + bob, 10, 0, Math.PI * 2); ctx.fill();
    // little leaf on top
    ctx.fillStyle = "#5fbf3a";
    ctx.beginPath(); ctx.ellipse(cx + 3, cy - 10 + bob, 5, 2.4, -0.6, 0, Math.PI * 2); ctx.fill();
    // eyes look where we go
    const [fx, fy] = p.face;
    ctx.fillStyle = "#1d2a10";
    ctx.beginPath(); ctx.arc(cx - 3.5 + fx * 2.5, cy - 1 + fy * 2.5 + bob, 1.9, 0, Math.PI * 2); ctx.arc(cx + 3.5 + fx * 2.5, cy - 1 + fy * 2.5 + bob, 1.9, 0, Math.PI * 2); ctx.fill();
    // dash cooldown ring
    if (S.dashCd > 0) {
      ctx.strokeStyle = "rgba(255,255,255,0.5)"; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(cx, cy + bob, 15, -Math.PI / 2, -Math.PI / 2 + (1 - S.dashCd / 1.0) * Math.PI * 2); ctx.stroke();
    }
  }

  function draw(gg, ctx) {
    if (!S) return;
    const t = clock();
    ctx.fillStyle = "#0d130f"; ctx.fillRect(0, 0, W, OY);
    const top = ctx.createLinearGradient(0, 0, 0, OY);
    top.addColorStop(0, "#13201a"); top.addColorStop(1, "#0b110d");
    ctx.fillStyle = top; ctx.fillRect(0, 0, W, OY);
    ctx.drawImage(S.art, 0, 0);
    drawMoss(ctx, t);
    drawPortal(ctx, t);
    drawPickups(ctx, t);
    for (const q of S.ripples) {
      ctx.strokeStyle = `rgba(190,255,120,${1 - q.t / 0.8})`; ctx.lineWidth = 4;
      ctx.beginPath(); ctx.arc(q.x, q.y, q.t * T * 6.5, 0, Math.PI * 2); ctx.stroke();
    }
    for (const e of g.all("beetle")) drawBeetle(ctx, e, t);
    drawPlayer(ctx, t);
    // darkness vignette around the spore: the maze is lit by you
    const p = S.player;
    const cx = p.x + p.w / 2, cy = p.y + p.h / 2;
    const dark = ctx.createRadialGradient(cx, cy, 90, cx, cy, 430);
    dark.addColorStop(0, "rgba(0,0,0,0)"); dark.addColorStop(1, "rgba(0,4,2,0.6)");
    ctx.fillStyle = dark; ctx.fillRect(0, OY, W, H - OY);
    if (S.danger !== undefined && S.danger <= 3 && g.phase === "playing") {
      ctx.strokeStyle = `rgba(255,60,40,${(0.35 - S.danger * 0.08) * (0.6 + 0.4 * Math.sin(t * 12))})`;
      ctx.lineWidth = 10; ctx.strokeRect(5, OY + 5, W - 10, H - OY - 10);
    }
  }

  function drawHud(gg, ctx) {
    if (!S || g.phase === "title") return;
    ctx.save();
    ctx.textBaseline = "middle";
    // centre: maze + dew meter
    ctx.font = "700 15px system-ui, sans-serif"; ctx.textAlign = "center";
    ctx.fillStyle = "#c8f5d0"; ctx.fillText("MAZE " + S.level, W / 2 - 110, 22);
    const bw = 160, bx = W / 2 - 50;
    ctx.fillStyle = "rgba(255,255,255,0.1)"; g.roundRect(ctx, bx, 16, bw, 12, 6); ctx.fill();
    const k = 1 - S.dewLeft / S.dewTotal;
    const gr = ctx.createLinearGradient(bx, 0, bx + bw, 0);
    gr.addColorStop(0, "#5fd3ff"); gr.addColorStop(1, "#b8ffe0");
    ctx.fillStyle = gr; g.roundRect(ctx, bx, 16, Math.max(12, bw * k), 12, 6); ctx.fill();
    ctx.font = "700 12px system-ui, sans-serif"; ctx.fillStyle = S.dewLeft ? "#bfefff" : "#b8ffd8"; ctx.textAlign = "left";
    ctx.fillText(S.dewLeft ? S.dewLeft + " dew left" : "portal open!", bx + bw + 10, 22.5);
    // dash meter
    ctx.textAlign = "left"; ctx.font = "600 12px system-ui, sans-serif";
    ctx.fillStyle = S.dashCd <= 0 ? "#e6ff8a" : "rgba(230,255,140,0.45)";
    ctx.fillText(S.dashCd <= 0 ? "DASH READY" : "dash…", W / 2 - 50, 43);
    // danger whisper
    ctx.textAlign = "right"; ctx.fillStyle = "rgba(200,230,210,0.6)";
    ctx.fillText("Space: dash  •  rams flip beetles", W - 20, 45);
    if (S.banner && g.phase === "playing") {
      const a = Math.min(1, S.banner.t / 0.5);
      ctx.globalAlpha = a;
      ctx.textAlign = "center";
      ctx.shadowColor = "#7dff9a"; ctx.shadowBlur = 20;
      ctx.font = "800 46px system-ui, sans-serif"; ctx.fillStyle = "#eaffee";
      ctx.fillText(S.banner.text, W / 2, H / 2 - 10);
      ctx.shadowBlur = 0;
      ctx.font = "600 17px system-ui, sans-serif"; ctx.fillStyle = "#b5f0c5";
      ctx.fillText(S.banner.sub, W / 2, H / 2 + 28);
    }
    ctx.restore();
  }

  g = Kit.game({
    title: "Moss Maze",
    width: W, height: H,
    background: "#0b110d",
    controls: ["Arrows / WASD (or hold mouse): move", "Space / X: dash — ram a beetle to flip it", "Drink all dew, then reach the portal", "Spore pods stun nearby beetles  •  R: restart"],
    modules: {
      coins: { value: 10, streak_time: 0.7 },
      lives: { count: 3, fall_death: 0, respawn: 1, invulnerable: 2 },
      particles: { amount: 1, colors: { coin: "#8fe8ff", stun: "#ffd27a", spore_burst: "#c9f26b", respawn: "#e6ff8a", level_clear: "#b8ffd8" } },
      screen_shake: { magnitude: 6, duration: 0.2, events: ["damage", "stun", "spore_burst"] },
      hit_pause: { seconds: 0.07, events: ["stun", "life_lost"] },
      floating_text: { texts: { stun: "FLIPPED! +{pts}", spore_burst: "SPORE BURST!" }, color: "#fff3a0" },
    },
    init(gg) { g = gg; newRun(); },
    update,
    draw,
    drawHud,
  });
})();
