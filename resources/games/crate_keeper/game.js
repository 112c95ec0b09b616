// Crate Keeper — a lantern-lit sokoban. Push every crate onto a glowing rune before the lantern
// oil runs out. Each step burns oil (undo does not refund it); when the lantern gutters you lose a
// life and the floor resets. Clear all eight floors to win.
(function () {
  "use strict";

  // Hand-made floors, each verified solvable by a breadth-first solver; par = optimal move count.
  // # wall  . rune  $ crate  * crate on rune  @ keeper  + keeper on rune
  const LEVELS = [
    {name: "First Light", par: 4, map: [
      "#########",
      "#       #",
      "# @  $ .#",
      "#       #",
      "#########"]},
    {name: "The Nook", par: 14, map: [
      " #######",
      " #  .  #",
      " # $#  #",
      "##  $  #",
      "#@  # .#",
      "########"]},
    {name: "Side Door", par: 17, map: [
      "  ######",
      "  #  . #",
      "###$   #",
      "# . $  #",
      "#  #@$ #",
      "## .   #",
      " #######"]},
    {name: "Split Aisle", par: 24, map: [
      "########",
      "#.   . #",
      "# #$#  #",
      "#  @ $ #",
      "##  $  #",
      " #.   ##",
      " ######"]},
    {name: "Keystone", par: 19, map: [
      "#########",
      "#   #   #",
      "# $ . $ #",
      "#  $*   #",
      "# @ . . #",
      "#       #",
      "#########"]},
    {name: "Loading Bay", par: 35, map: [
      "##########",
      "#   ##   #",
      "# $    $ #",
      "##.#..#.##",
      " #  @   #",
      " # $  $ #",
      " ###  ###",
      "   ####"]},
    {name: "Compass Rose", par: 39, map: [
      " #######",
      "##  .  ##",
      "# $ # $ #",
      "#.  @  .#",
      "# $ # $ #",
      "##  .  ##",
      " #######"]},
    {name: "Night Shift", par: 36, map: [
      "  #######",
      "###  .  #",
      "#  $##$ #",
      "# #.  . #",
      "# $   $ #",
      "#@ .    #",
      "#########"]},
  ];

  const DIRS = {left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1]};
  const TWEEN = 0.085;          // seconds a step takes to animate
  const REPEAT_DELAY = 0.24, REPEAT_RATE = 0.12;
  const HUD_TOP = 64, HUD_BOTTOM = 40;

  let L = null;                 // current level state

  function oilBudget(index, par) {
    // the budget tightens as the floors get harder: generous early, lean at the end
    const slack = 2.6 - index * 0.16;
    return Math.ceil(par * slack + 14);
  }

  function loadLevel(g, index) {
    const def = LEVELS[index];
    const rows = def.map;
    const H = rows.length, W = Math.max(...rows.map((r) => r.length));
    const walls = [], goals = [], crates = [];
    let px = 0, py = 0;
    for (let y = 0; y < H; y++) {
      walls.push([]); goals.push([]);
      for (let x = 0; x < W; x++) {
        const c = rows[y][x] || " ";
        walls[y].push(c === "#");
        goals[y].push(c === "." || c === "*" || c === "+");
        if (c === "$" || c === "*") crates.push({x, y, rx: x, ry: y, glow: c === "*" ? 1 : 0, wob: 0});
        if (c === "@" || c === "+") { px = x; py = y; }
      }
    }
    // interior = floor reachable from the keeper (so the void outside the walls stays dark)
    const inside = walls.map((r) => r.map(() => false));
    const stack = [[px, py]];
    while (stack.length) {
      const [x, y] = stack.pop();
      if (x < 0 || y < 0 || x >= W || y >= H || walls[y][x] || inside[y][x]) continue;
      inside[y][x] = true;
      stack.push([x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]);
    }
    const T = Math.floor(Math.min(64, (g.W - 80) / W, (g.H - HUD_TOP - HUD_BOTTOM - 30) / H));
    const ox = Math.floor((g.W - W * T) / 2);
    const oy = Math.floor(HUD_TOP + (g.H - HUD_TOP - HUD_BOTTOM - H * T) / 2);
    // per-tile random plank tint, fixed per level
    let seed = index * 7919 + 17;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const tint = walls.map((r) => r.map(() => rnd()));
    const budget = oilBudget(index, def.par);
    L = {
      index, def, W, H, walls, goals, inside, crates, T, ox, oy, tint,
      player: {x: px, y: py, rx: px, ry: py, face: "down", step: 0, bob: 0},
      moves: 0, pushes: 0, oil: budget, budget, history: [],
      anim: 0, queue: [], holdDir: null, holdT: 0,
      cleared: false, clearT: 0, stuck: false, enterT: 0, darkT: 0,
      motes: Array.from({length: 26}, () => ({x: rnd() * g.W, y: rnd() * g.H, s: 0.4 + rnd(), p: rnd() * 6.28})),
    };
    // mirror the keeper and crates as kit entities so telemetry (and bots) can see them
    for (const e of g.all()) e.dead = true;
    L.ent = g.add({x: 0, y: 0, w: T * 0.6, h: T * 0.8, tags: ["player"]});
    for (const c of crates) c.ent = g.add({x: 0, y: 0, w: T * 0.84, h: T * 0.84, tags: ["crate"]});
    syncEntities();
  }

  function syncEntities() {
    const p = L.player;
    const [px, py] = tileCenter(p.rx, p.ry);
    L.ent.x = px - L.ent.w / 2; L.ent.y = py - L.ent.h / 2;
    for (const c of L.crates) {
      const [cx, cy] = tileCenter(c.rx, c.ry);
      c.ent.x = cx - c.ent.w / 2; c.ent.y = cy - c.ent.h / 2;
      c.ent.onRune = L.goals[c.y][c.x];
    }
  }

  function crateAt(x, y) {
    for (const c of L.crates) if (c.x === x && c.y === y) return c;
    return null;
  }
  function isWall(x, y) {
    return y < 0 || y >= L.H || x < 0 || x >= L.W || L.walls[y][x];
  }
  function solvedCount() {
    let n = 0;
    for (const c of L.crates) if (L.goals[c.y][c.x]) n++;
    return n;
  }
  // a crate off-rune in a corner can never move again: tell the player to undo
  function deadlocked() {
    for (const c of L.crates) {
      if (L.goals[c.y][c.x]) continue;
      const u = isWall(c.x, c.y - 1), d = isWall(c.x, c.y + 1);
      const l = isWall(c.x - 1, c.y), r = isWall(c.x + 1, c.y);
      if ((u || d) && (l || r)) return true;
    }
    return false;
  }

  function tileCenter(x, y) {
    return [L.ox + (x + 0.5) * L.T, L.oy + (y + 0.5) * L.T];
  }

  function tryMove(g, dir) {
    if (L.cleared) return;
    const [dx, dy] = DIRS[dir];
    const p = L.player;
    p.face = dir;
    const nx = p.x + dx, ny = p.y + dy;
    if (isWall(nx, ny)) { bump(g, nx, ny); return; }
    const crate = crateAt(nx, ny);
    if (crate) {
      const tx = nx + dx, ty = ny + dy;
      if (isWall(tx, ty) || crateAt(tx, ty)) { bump(g, nx, ny); crate.wob = 1; return; }
      snapshot();
      crate.x = tx; crate.y = ty;
      L.pushes++;
      g.emit("push", {x: tx, y: ty});
      if (L.goals[ty][tx]) {
        const [cx, cy] = tileCenter(tx, ty);
        g.sfx.play("coin", {pitch: 0.8 + solvedCount() * 0.12});
        g.fx.burst(cx, cy, "#ffd37a", 18);
        g.addScore(25, cx, cy - L.T * 0.4);
        g.emit("crate_on_rune", {x: tx, y: ty});
      } else {
        g.sfx.play("click", {pitch: 0.7});
      }
    } else {
      snapshot();
      g.sfx.play("blip", {pitch: 0.55 + 0.05 * (L.moves % 3)});
    }
    p.x = nx; p.y = ny; p.step++;
    L.moves++;
    L.oil = Math.max(0, L.oil - 1);
    L.anim = TWEEN;
    g.emit("move", {dir, moves: L.moves});
    L.stuck = deadlocked();
    if (L.stuck) g.emit("deadlock", {});
    if (solvedCount() === L.crates.length) levelCleared(g);
    else if (L.oil <= 0) lanternOut(g);
  }

  function bump(g, x, y) {
    g.sfx.play("bounce", {pitch: 0.5});
    g.emit("bump", {x, y});
    const p = L.player;
    p.bumpT = 0.12; p.bumpX = x - p.x; p.bumpY = y - p.y;
  }

  function snapshot() {
    L.history.push({px: L.player.x, py: L.player.y, face: L.player.face, moves: L.moves, pushes: L.pushes,
      crates: L.crates.map((c) => [c.x, c.y])});
    if (L.history.length > 500) L.history.shift();
  }

  function undo(g) {
    if (L.cleared) return;
    const s = L.history.pop();
    if (!s) { g.sfx.play("bounce", {pitch: 0.4}); return; }
    L.player.x = s.px; L.player.y = s.py; L.player.face = s.face;
    L.moves = s.moves; L.pushes = s.pushes;
    s.crates.forEach(([x, y], i) => { L.crates[i].x = x; L.crates[i].y = y; });
    L.anim = TWEEN;
    L.stuck = deadlocked();
    g.sfx.play("blip", {pitch: 1.6});
    g.emit("undo", {moves: L.moves});
  }

  function resetLevel(g, reason) {
    const idx = L.index;
    loadLevel(g, idx);
    g.emit("level_reset", {level: idx + 1, reason});
  }

  function levelCleared(g) {
    L.cleared = true; L.clearT = 0;
    const perfect = L.moves <= L.def.par;
    const bonus = 150 + L.index * 75 + L.oil * 6 + (perfect ? 300 : 0);
    L.bonus = bonus; L.perfect = perfect;
    g.keeperStars = (g.keeperStars || 0) + starsFor(L.moves, L.def.par);
    g.addScore(bonus);
    g.sfx.play("powerup");
    g.fx.flash("rgba(255,220,140,0.35)", 0.3);
    for (const c of L.crates) {
      const [cx, cy] = tileCenter(c.x, c.y);
      g.fx.burst(cx, cy, "#9dffb0", 14);
    }
    g.emit("level_complete", {level: L.index + 1, moves: L.moves, perfect});
  }

  function lanternOut(g) {
    g.emit("lantern_out", {level: L.index + 1});
    L.darkT = 1.2;
    g.fx.flash("rgba(0,0,0,0.8)", 0.5);
    g.loseLife();
    if (g.phase === "playing") {
      g.fx.text(g.W / 2, g.H / 2, "The lantern went out!", "#ffb36b");
      resetLevel(g, "oil");
      L.darkT = 1.2;
    }
  }

  function advance(g) {
    if (L.index + 1 >= LEVELS.length) {
      g.won = true;
      g.addScore(500 + g.lives * 250, g.W / 2, g.H / 2);
      g.emit("all_cleared", {});
      g.gameOver();
      return;
    }
    loadLevel(g, L.index + 1);
    g.sfx.play("start");
    g.emit("level_start", {level: L.index + 1});
  }

  // ---------------------------------------------------------------- drawing helpers
  function roundRect(ctx, x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y);
    ctx.arcTo(x + w, y, x + w, y + h, r);
    ctx.arcTo(x + w, y + h, x, y + h, r);
    ctx.arcTo(x, y + h, x, y, r);
    ctx.arcTo(x, y, x + w, y, r);
    ctx.closePath();
  }

  function drawFloor(ctx, t) {
    const {T, ox, oy} = L;
    for (let y = 0; y < L.H; y++) {
      for (let x = 0; x < L.W; x++) {
        if (!L.inside[y][x]) continue;
        const k = L.tint[y][x];
        const X = ox + x * T, Y = oy + y * T;
        const l = 20 + k * 6;
        ctx.fillStyle = `hsl(28, 32%, ${l}%)`;
        ctx.fillRect(X, Y, T, T);
        // planks
        ctx.strokeStyle = "rgba(0,0,0,0.28)";
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (let i = 1; i < 3; i++) { ctx.moveTo(X, Y + (i * T) / 3 + 0.5); ctx.lineTo(X + T, Y + (i * T) / 3 + 0.5); }
        const off = ((x + y) % 2) * T * 0.5;
        ctx.moveTo(X + T * 0.25 + off * 0.5, Y); ctx.lineTo(X + T * 0.25 + off * 0.5, Y + T / 3);
        ctx.moveTo(X + T * 0.7 - off * 0.3, Y + T / 3); ctx.lineTo(X + T * 0.7 - off * 0.3, Y + (2 * T) / 3);
        ctx.moveTo(X + T * 0.4 + off * 0.4, Y + (2 * T) / 3); ctx.lineTo(X + T * 0.4 + off * 0.4, Y + T);
        ctx.stroke();
        ctx.strokeStyle = "rgba(255,220,170,0.05)";
        ctx.strokeRect(X + 0.5, Y + 0.5, T - 1, T - 1);
      }
    }
  }

  function drawGoals(ctx, t) {
    const {T} = L;
    for (let y = 0; y < L.H; y++) {
      for (let x = 0; x < L.W; x++) {
        if (!L.goals[y][x]) continue;
        const [cx, cy] = tileCenter(x, y);
        const pulse = 0.5 + 0.5 * Math.sin(t * 3 + x + y);
        const glow = ctx.createRadialGradient(cx, cy, 2, cx, cy, T * 0.55);
        glow.addColorStop(0, `rgba(255,200,90,${0.35 + pulse * 0.25})`);
        glow.addColorStop(1, "rgba(255,160,60,0)");
        ctx.fillStyle = glow;
        ctx.fillRect(cx - T * 0.6, cy - T * 0.6, T * 1.2, T * 1.2);
        ctx.save();
        ctx.translate(cx, cy);
        ctx.rotate(t * 0.6);
        ctx.strokeStyle = `rgba(255,214,120,${0.55 + pulse * 0.4})`;
        ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(0, 0, T * 0.3, 0, Math.PI * 2); ctx.stroke();
        ctx.beginPath();
        for (let i = 0; i < 4; i++) {
          const a = (i * Math.PI) / 2;
          ctx.moveTo(Math.cos(a) * T * 0.14, Math.sin(a) * T * 0.14);
          ctx.lineTo(Math.cos(a) * T * 0.3, Math.sin(a) * T * 0.3);
        }
        ctx.stroke();
        ctx.fillStyle = `rgba(255,236,170,${0.6 + pulse * 0.4})`;
        ctx.beginPath(); ctx.arc(0, 0, T * 0.06, 0, Math.PI * 2); ctx.fill();
        ctx.restore();
      }
    }
  }

  function wallShadows(ctx) {
    const {T, ox, oy} = L;
    ctx.fillStyle = "rgba(0,0,0,0.38)";
    for (let y = 0; y < L.H; y++) for (let x = 0; x < L.W; x++) {
      if (!L.walls[y][x]) continue;
      if (y + 1 < L.H && L.inside[y + 1][x]) ctx.fillRect(ox + x * T, oy + (y + 1) * T, T, T * 0.2);
      if (x + 1 < L.W && L.inside[y][x + 1]) ctx.fillRect(ox + (x + 1) * T, oy + y * T, T * 0.14, T);
    }
  }

  // one row of walls in a 3/4 view: a stone top for every wall tile, a brick face where the tile
  // below is open, so walls read as solid blocks rather than stripes
  function drawWallRow(ctx, y) {
    const {T, ox, oy} = L;
    const lip = Math.round(T * 0.3);
    for (let x = 0; x < L.W; x++) {
      if (!L.walls[y][x]) continue;
      const X = ox + x * T, Y = oy + y * T - lip;
      const below = y + 1 < L.H && L.walls[y + 1][x];
      const k = L.tint[y][x];
      // top surface
      const top = ctx.createLinearGradient(0, Y, 0, Y + T);
      top.addColorStop(0, `hsl(258, 16%, ${33 + k * 5}%)`);
      top.addColorStop(1, `hsl(262, 18%, ${25 + k * 4}%)`);
      ctx.fillStyle = top;
      ctx.fillRect(X, Y, T, T);
      // stone slab seams
      ctx.strokeStyle = "rgba(20,12,34,0.35)";
      ctx.lineWidth = 1;
      ctx.strokeRect(X + 0.5, Y + 0.5, T - 1, T - 1);
      ctx.strokeStyle = "rgba(255,255,255,0.06)";
      ctx.strokeRect(X + 3.5, Y + 3.5, T - 7, T - 7);
      ctx.fillStyle = "rgba(255,255,255,0.09)";
      if (!(y > 0 && L.walls[y - 1][x])) ctx.fillRect(X, Y, T, 3);
      ctx.fillStyle = "rgba(0,0,0,0.12)";
      ctx.beginPath(); ctx.arc(X + T * (0.3 + k * 0.4), Y + T * (0.35 + k * 0.3), T * 0.08, 0, Math.PI * 2); ctx.fill();
      if (below) continue;
      // brick front face
      const FY = Y + T;
      const face = ctx.createLinearGradient(0, FY, 0, FY + lip);
      face.addColorStop(0, "#3b3050");
      face.addColorStop(1, "#221a30");
      ctx.fillStyle = face;
      ctx.fillRect(X, FY, T, lip);
      ctx.strokeStyle = "rgba(0,0,0,0.4)";
      ctx.beginPath();
      ctx.moveTo(X, FY + lip / 2 + 0.5); ctx.lineTo(X + T, FY + lip / 2 + 0.5);
      const off = (x % 2) * T * 0.25;
      for (let i = 0; i < 2; i++) {
        ctx.moveTo(X + off + T * 0.5 * i + T * 0.25 + 0.5, FY); ctx.lineTo(X + off + T * 0.5 * i + T * 0.25 + 0.5, FY + lip / 2);
        ctx.moveTo(X + T * 0.5 * i + 0.5 + T * 0.5 - off, FY + lip / 2); ctx.lineTo(X + T * 0.5 * i + 0.5 + T * 0.5 - off, FY + lip);
      }
      ctx.stroke();
      ctx.fillStyle = "rgba(255,210,150,0.06)";
      ctx.fillRect(X, FY, T, 2);
    }
  }

  function drawCrate(ctx, c, t) {
    const {T} = L;
    const [cx, cy] = tileCenter(c.rx, c.ry);
    const s = T * 0.84;
    const wob = c.wob > 0 ? Math.sin(c.wob * 30) * c.wob * 3 : 0;
    const x = cx - s / 2 + wob, y = cy - s / 2 - T * 0.06;
    const on = c.glow;
    if (on > 0.01) {
      const gl = ctx.createRadialGradient(cx, cy, s * 0.2, cx, cy, s);
      gl.addColorStop(0, `rgba(140,255,170,${0.35 * on})`);
      gl.addColorStop(1, "rgba(140,255,170,0)");
      ctx.fillStyle = gl;
      ctx.fillRect(cx - s, cy - s, s * 2, s * 2);
    }
    // shadow
    ctx.fillStyle = "rgba(0,0,0,0.35)";
    ctx.fillRect(x + 3, y + s - 2, s, T * 0.12);
    // body
    const body = ctx.createLinearGradient(x, y, x, y + s);
    body.addColorStop(0, on > 0.5 ? "#d9b86a" : "#c98d4b");
    body.addColorStop(1, on > 0.5 ? "#9c7a35" : "#8a5a2b");
    ctx.fillStyle = body;
    roundRect(ctx, x, y, s, s, 4); ctx.fill();
    ctx.strokeStyle = "#4a2d14"; ctx.lineWidth = 2; ctx.stroke();
    // frame + cross braces
    const b = s * 0.14;
    ctx.strokeStyle = on > 0.5 ? "#6b5320" : "#5e3a1a";
    ctx.lineWidth = 2;
    ctx.strokeRect(x + b, y + b, s - 2 * b, s - 2 * b);
    ctx.beginPath();
    ctx.moveTo(x + b, y + b); ctx.lineTo(x + s - b, y + s - b);
    ctx.moveTo(x + s - b, y + b); ctx.lineTo(x + b, y + s - b);
    ctx.stroke();
    ctx.fillStyle = "rgba(255,240,200,0.25)";
    ctx.fillRect(x + 2, y + 2, s - 4, 2);
    // nails
    ctx.fillStyle = "#3a2410";
    for (const [nx, ny] of [[b * 0.5, b * 0.5], [s - b * 0.5, b * 0.5], [b * 0.5, s - b * 0.5], [s - b * 0.5, s - b * 0.5]]) {
      ctx.beginPath(); ctx.arc(x + nx, y + ny, 1.6, 0, Math.PI * 2); ctx.fill();
    }
    if (on > 0.5) {
      ctx.fillStyle = `rgba(170,255,190,${0.5 + 0.3 * Math.sin(t * 4 + c.x)})`;
      ctx.beginPath(); ctx.arc(cx, y + s / 2, s * 0.09, 0, Math.PI * 2); ctx.fill();
    }
  }

  function drawKeeper(ctx, t) {
    const {T} = L;
    const p = L.player;
    let [cx, cy] = tileCenter(p.rx, p.ry);
    if (p.bumpT > 0) { const k = Math.sin((p.bumpT / 0.12) * Math.PI) * T * 0.12; cx += p.bumpX * k; cy += p.bumpY * k; }
    const moving = L.anim > 0;
    const bob = moving ? Math.abs(Math.sin(p.step * Math.PI * 0.5 + (1 - L.anim / TWEEN) * Math.PI)) * 3 : Math.sin(t * 2.5) * 0.8;
    const s = T / 48;
    ctx.save();
    ctx.translate(cx, cy + T * 0.1 - bob);
    ctx.scale(s, s);
    const dirX = p.face === "left" ? -1 : p.face === "right" ? 1 : 0;
    // shadow
    ctx.fillStyle = "rgba(0,0,0,0.35)";
    ctx.beginPath(); ctx.ellipse(0, 15 + bob / s, 13, 4, 0, 0, Math.PI * 2); ctx.fill();
    // legs
    ctx.fillStyle = "#2b2f45";
    const leg = moving ? Math.sin(p.step * Math.PI) * 3 : 0;
    ctx.fillRect(-7, 6, 5, 9 + leg); ctx.fillRect(2, 6, 5, 9 - leg);
    // coat
    const coat = ctx.createLinearGradient(0, -12, 0, 10);
    coat.addColorStop(0, "#3d7fa3"); coat.addColorStop(1, "#23506b");
    ctx.fillStyle = coat;
    roundRect(ctx, -11, -10, 22, 20, 6); ctx.fill();
    ctx.fillStyle = "#e0c36a"; ctx.fillRect(-11, 2, 22, 3); // belt
    // head
    ctx.fillStyle = "#f1c9a0";
    ctx.beginPath(); ctx.arc(dirX * 1.5, -17, 8, 0, Math.PI * 2); ctx.fill();
    // eyes
    if (p.face !== "up") {
      ctx.fillStyle = "#1c1c28";
      ctx.fillRect(dirX * 4 - 4, -18, 2, 3); ctx.fillRect(dirX * 4 + 2, -18, 2, 3);
    }
    // cap
    ctx.fillStyle = "#b84a3a";
    ctx.beginPath(); ctx.arc(dirX * 1.5, -20, 8.5, Math.PI, 0); ctx.fill();
    ctx.fillRect(dirX * 1.5 - 9 + dirX * 4, -21, 18, 3);
    // lantern held on the facing side
    const lx = p.face === "left" ? -15 : 15, ly = 0 + Math.sin(t * 3) * 1;
    ctx.strokeStyle = "#3a3a3a"; ctx.lineWidth = 1.5;
    ctx.beginPath(); ctx.moveTo(lx, ly - 8); ctx.lineTo(lx, ly - 4); ctx.stroke();
    const flick = 0.8 + 0.2 * Math.sin(t * 17) * Math.sin(t * 7.3);
    const oilK = L.oil / L.budget;
    const lg = ctx.createRadialGradient(lx, ly, 1, lx, ly, 14);
    lg.addColorStop(0, `rgba(255,240,170,${0.9 * flick})`);
    lg.addColorStop(1, "rgba(255,170,60,0)");
    ctx.fillStyle = lg;
    ctx.beginPath(); ctx.arc(lx, ly, 14, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#2d2d2d"; ctx.fillRect(lx - 4, ly - 5, 8, 2); ctx.fillRect(lx - 4, ly + 4, 8, 2);
    ctx.fillStyle = `rgba(255,${200 + 40 * oilK},120,${0.7 + 0.3 * flick})`;
    ctx.fillRect(lx - 3, ly - 3, 6, 7);
    ctx.restore();
  }

  function drawDarkness(ctx, t) {
    const p = L.player;
    const [cx, cy] = tileCenter(p.rx, p.ry);
    const oilK = L.oil / L.budget;
    const flick = 1 + 0.025 * Math.sin(t * 13) + 0.02 * Math.sin(t * 5.1);
    const full = Math.max(L.W, L.H) * L.T;
    const r = (L.T * 2 + full * 0.5 * oilK) * flick;
    const dark = ctx.createRadialGradient(cx, cy, r * 0.3, cx, cy, r);
    dark.addColorStop(0, "rgba(8,5,16,0)");
    dark.addColorStop(1, `rgba(8,5,16,${0.5 + (1 - oilK) * 0.35})`);
    ctx.fillStyle = dark;
    ctx.fillRect(-20, -20, 840, 640);
    // warm light tint
    ctx.globalCompositeOperation = "lighter";
    const warm = ctx.createRadialGradient(cx, cy, 0, cx, cy, r * 0.6);
    warm.addColorStop(0, "rgba(255,170,80,0.10)");
    warm.addColorStop(1, "rgba(255,170,80,0)");
    ctx.fillStyle = warm;
    ctx.fillRect(cx - r, cy - r, r * 2, r * 2);
    ctx.globalCompositeOperation = "source-over";
  }

  function drawMotes(ctx, t) {
    for (const m of L.motes) {
      const x = (m.x + Math.sin(t * 0.3 + m.p) * 20 + t * 6 * m.s) % 800;
      const y = (m.y + Math.cos(t * 0.25 + m.p) * 14 - t * 4 * m.s + 600) % 600;
      ctx.fillStyle = `rgba(255,220,160,${0.08 + 0.1 * (0.5 + 0.5 * Math.sin(t * 2 + m.p))})`;
      ctx.beginPath(); ctx.arc(x, y, 1 + m.s, 0, Math.PI * 2); ctx.fill();
    }
  }

  function star(ctx, x, y, r, filled) {
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 ? r * 0.45 : r;
      ctx.lineTo(x + Math.cos(a) * rr, y + Math.sin(a) * rr);
    }
    ctx.closePath();
    ctx.fillStyle = filled ? "#ffd76a" : "rgba(255,255,255,0.12)";
    ctx.fill();
    ctx.strokeStyle = filled ? "#fff1b8" : "rgba(255,255,255,0.25)";
    ctx.lineWidth = 1.5; ctx.stroke();
  }

  function starsFor(moves, par) {
    return moves <= par ? 3 : moves <= Math.ceil(par * 1.5) ? 2 : 1;
  }

  // The core restarts the whole game when R is pressed mid-play; in a puzzle R should only reset
  // the current floor. Hide "restart" from the core while playing and read R ourselves.
  let rawPressed = null;
  function guardRestartKey(g) {
    if (g.input._ckGuard) return;
    rawPressed = g.input.pressed;
    g.input._ckGuard = true;
    g.input.pressed = (k) => (k === "restart" && g.phase === "playing" && !g.input._ckRaw ? false : rawPressed(k));
  }
  function resetPressed(g) {
    g.input._ckRaw = true;
    const r = rawPressed("restart");
    g.input._ckRaw = false;
    return r;
  }

  // ---------------------------------------------------------------- the game
  const cfg = {
    title: "Crate Keeper",
    width: 800, height: 600,
    background: "#120d1c",
    controls: ["Arrows / WASD move & push", "U or Z undo", "R reset floor", "Space next floor"],
    modules: {},
    init(g) {
      guardRestartKey(g);
      g.lives = 3;
      g.won = false;
      g.keeperStars = 0;
      loadLevel(g, 0);
    },
    update(g, dt) {
      const t = g.time;
      // animation
      const k = Math.min(1, dt * 22);
      const p = L.player;
      p.rx += (p.x - p.rx) * k; p.ry += (p.y - p.ry) * k;
      if (Math.abs(p.x - p.rx) < 0.01) p.rx = p.x;
      if (Math.abs(p.y - p.ry) < 0.01) p.ry = p.y;
      for (const c of L.crates) {
        c.rx += (c.x - c.rx) * k; c.ry += (c.y - c.ry) * k;
        if (Math.abs(c.x - c.rx) < 0.01) c.rx = c.x;
        if (Math.abs(c.y - c.ry) < 0.01) c.ry = c.y;
        const target = L.goals[c.y][c.x] ? 1 : 0;
        c.glow += (target - c.glow) * Math.min(1, dt * 8);
        if (c.wob > 0) c.wob = Math.max(0, c.wob - dt * 4);
      }
      if (p.bumpT > 0) p.bumpT -= dt;
      syncEntities();
      if (L.anim > 0) L.anim = Math.max(0, L.anim - dt);
      if (L.darkT > 0) L.darkT -= dt;
      L.enterT += dt;

      const inp = g.input;
      if (L.cleared) {
        L.clearT += dt;
        if (L.clearT > 0.7 && (inp.pressed("action") || inp.pointer.pressed || inp.pressed("right") ||
            inp.pressed("up") || inp.pressed("down") || inp.pressed("left") || L.clearT > 4.5)) {
          advance(g);
        }
        return;
      }
      if (inp.pressed("KeyU") || inp.pressed("KeyZ") || inp.pressed("Backspace")) { undo(g); return; }
      if (resetPressed(g)) {
        g.sfx.play("click", {pitch: 0.5});
        resetLevel(g, "manual");
        return;
      }
      // movement with buffering and key repeat
      // a short queue, so quick taps (even two in one step) are never dropped
      let dir = null;
      for (const d of ["left", "right", "up", "down"]) {
        if (!inp.pressed(d)) continue;
        dir = d;
        if (L.queue.length < 3) L.queue.push(d);
      }
      if (dir) { L.holdDir = dir; L.holdT = 0; }
      else if (L.holdDir && inp.down(L.holdDir)) {
        L.holdT += dt;
        if (L.holdT > REPEAT_DELAY) { L.holdT -= REPEAT_RATE; if (!L.queue.length) L.queue.push(L.holdDir); }
      } else L.holdDir = null;
      // pointer: tap a neighbouring side of the keeper to step that way
      if (inp.pointer.pressed) {
        const [cx, cy] = tileCenter(p.x, p.y);
        const dx = inp.pointer.x - cx, dy = inp.pointer.y - cy;
        if (Math.abs(dx) > L.T * 0.4 || Math.abs(dy) > L.T * 0.4) {
          if (L.queue.length < 3) L.queue.push(Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? "right" : "left") : (dy > 0 ? "down" : "up"));
        }
      }
      if (L.queue.length && L.anim <= TWEEN * 0.35) tryMove(g, L.queue.shift());
    },
    draw(g, ctx) {
      const t = g.time + (g.frame || 0) * 0;
      const now = performance.now() / 1000;
      // backdrop
      const bg = ctx.createRadialGradient(400, 320, 50, 400, 320, 520);
      bg.addColorStop(0, "#2a1d3a");
      bg.addColorStop(1, "#0c0814");
      ctx.fillStyle = bg;
      ctx.fillRect(0, 0, g.W, g.H);
      if (!L) return;
      drawFloor(ctx, now);
      drawGoals(ctx, now);
      // depth order: row by row, walls then the crates / keeper standing in that row
      wallShadows(ctx);
      const rows = L.walls.map(() => []);
      for (const c of L.crates) rows[Math.max(0, Math.min(L.H - 1, Math.round(c.ry)))].push(() => drawCrate(ctx, c, now));
      const pr = Math.max(0, Math.min(L.H - 1, Math.round(L.player.ry)));
      rows[pr].push(() => drawKeeper(ctx, now));
      for (let y = 0; y < L.H; y++) {
        drawWallRow(ctx, y);
        for (const f of rows[y]) f();
      }
      drawMotes(ctx, now);
      if (g.phase === "playing" || g.phase === "over") drawDarkness(ctx, now);
      if (L.darkT > 0) {
        ctx.fillStyle = `rgba(0,0,0,${Math.min(0.8, L.darkT)})`;
        ctx.fillRect(0, 0, g.W, g.H);
      }
    },
    drawHud(g, ctx) {
      if (!L || g.phase === "title") return;
      const now = performance.now() / 1000;
      // top bar
      const bar = ctx.createLinearGradient(0, 0, 0, 54);
      bar.addColorStop(0, "rgba(10,6,18,0.85)");
      bar.addColorStop(1, "rgba(10,6,18,0.0)");
      ctx.fillStyle = bar;
      ctx.fillRect(0, 0, g.W, 60);
      ctx.textAlign = "center";
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = "#ffe2a8";
      ctx.font = "bold 22px sans-serif";
      ctx.fillText(`Floor ${L.index + 1}/${LEVELS.length} · ${L.def.name}`, g.W / 2, 28);
      ctx.font = "14px sans-serif";
      ctx.fillStyle = "#c9b8e0";
      ctx.fillText(`Moves ${L.moves}   Par ${L.def.par}   Pushes ${L.pushes}   Crates ${solvedCount()}/${L.crates.length}`, g.W / 2, 48);
      // oil gauge (bottom)
      const oilK = L.oil / L.budget;
      const bw = 260, bx = g.W / 2 - bw / 2, by = g.H - 26;
      ctx.fillStyle = "rgba(0,0,0,0.55)";
      roundRect(ctx, bx - 34, by - 8, bw + 44, 22, 11); ctx.fill();
      const og = ctx.createLinearGradient(bx, 0, bx + bw, 0);
      og.addColorStop(0, "#ff6a3a"); og.addColorStop(1, "#ffd66a");
      ctx.fillStyle = og;
      roundRect(ctx, bx, by - 2, Math.max(4, bw * oilK), 10, 5); ctx.fill();
      if (oilK < 0.25) {
        ctx.fillStyle = `rgba(255,80,60,${0.3 + 0.3 * Math.sin(now * 10)})`;
        roundRect(ctx, bx, by - 2, bw, 10, 5); ctx.fill();
      }
      // lantern icon
      ctx.fillStyle = "#ffd66a";
      ctx.beginPath(); ctx.arc(bx - 18, by + 3, 5, 0, Math.PI * 2); ctx.fill();
      ctx.strokeStyle = "#ffd66a"; ctx.lineWidth = 1.5;
      ctx.strokeRect(bx - 23, by - 4, 10, 14);
      ctx.font = "12px sans-serif";
      ctx.textAlign = "left";
      ctx.fillStyle = "#ffe2a8";
      ctx.fillText(`oil ${L.oil}`, bx + bw + 2 - 0, by - 10);
      ctx.textAlign = "center";
      if (L.stuck && !L.cleared) {
        ctx.font = "bold 16px sans-serif";
        ctx.fillStyle = `rgba(255,140,120,${0.7 + 0.3 * Math.sin(now * 6)})`;
        ctx.fillText("A crate is wedged in a corner — press U to undo or R to reset", g.W / 2, g.H - 48);
      }
      if (L.enterT < 1.6 && !L.cleared) {
        const a = Math.min(1, (1.6 - L.enterT) * 2);
        ctx.fillStyle = `rgba(255,226,168,${a})`;
        ctx.font = "bold 36px sans-serif";
        ctx.fillText(L.def.name, g.W / 2, g.H / 2 - 10);
        ctx.font = "16px sans-serif";
        ctx.fillText(`Oil for ${L.budget} steps`, g.W / 2, g.H / 2 + 16);
      }
      if (L.cleared && g.phase === "playing") {
        const a = Math.min(1, L.clearT * 3);
        ctx.fillStyle = `rgba(10,6,18,${0.65 * a})`;
        roundRect(ctx, g.W / 2 - 200, g.H / 2 - 95, 400, 190, 16); ctx.fill();
        ctx.strokeStyle = `rgba(255,214,120,${a})`; ctx.lineWidth = 2; ctx.stroke();
        ctx.fillStyle = `rgba(255,226,168,${a})`;
        ctx.font = "bold 30px sans-serif";
        ctx.fillText("Floor cleared!", g.W / 2, g.H / 2 - 52);
        const n = starsFor(L.moves, L.def.par);
        for (let i = 0; i < 3; i++) {
          const pop = Math.min(1, Math.max(0, L.clearT * 4 - i * 0.6));
          star(ctx, g.W / 2 - 50 + i * 50, g.H / 2 - 12, 16 * pop + 0.01, i < n);
        }
        ctx.font = "16px sans-serif";
        ctx.fillStyle = `rgba(220,210,240,${a})`;
        ctx.fillText(`${L.moves} moves (par ${L.def.par})${L.perfect ? " — PERFECT!" : ""}   +${L.bonus}`, g.W / 2, g.H / 2 + 28);
        if (L.clearT > 0.7) {
          ctx.fillStyle = `rgba(255,214,120,${0.6 + 0.4 * Math.sin(now * 5)})`;
          ctx.fillText(L.index + 1 >= LEVELS.length ? "Space — finish the night" : "Space — next floor", g.W / 2, g.H / 2 + 62);
        }
      }
      if (g.phase === "over") {
        ctx.fillStyle = "rgba(10,6,18,0.7)";
        roundRect(ctx, g.W / 2 - 250, 66, 500, g.won ? 86 : 50, 14); ctx.fill();
        ctx.strokeStyle = g.won ? "#ffd76a" : "rgba(255,155,122,0.6)"; ctx.lineWidth = 2; ctx.stroke();
        ctx.font = "bold 22px sans-serif";
        ctx.fillStyle = g.won ? "#ffe2a8" : "#ff9b7a";
        ctx.fillText(g.won ? "All eight floors kept — the warehouse sleeps." : `The lantern died on floor ${L.index + 1}.`, g.W / 2, 98);
        if (g.won) {
          const max = LEVELS.length * 3;
          for (let i = 0; i < 3; i++) star(ctx, g.W / 2 - 90 + i * 26, 128, 10, g.keeperStars >= max * (i + 1) / 3);
          ctx.font = "16px sans-serif"; ctx.fillStyle = "#ffe2a8"; ctx.textAlign = "left";
          ctx.fillText(`${g.keeperStars} / ${max} stars`, g.W / 2 - 10, 134);
          ctx.textAlign = "center";
        }
      }
    },
  };
  Kit.game(cfg);
})();
