// Grid movement: the player steps one tile at a time (puzzles, roguelikes).
(() => {
  const DIRS = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };

  Kit.mechanic({
    id: "grid_move",
    name: "Grid movement",
    summary: "The player moves tile by tile with the arrows (holding repeats), sliding smoothly between tiles and bumping into solids.",
    category: "puzzle",
    changes: ["actions"],
    params: {
      tile: 40,          // tile size, px (16..80)
      origin_x: 0,       // grid origin, px
      origin_y: 0,
      slide: 0.09,       // seconds to slide between tiles (0..0.3)
      repeat: 0.16,      // held-key repeat interval, s (0 = no repeat) (0..0.5)
    },
    setup(g, p, s) {
      s.held = null; s.rep = 0; g.moves = 0;
      // Grid coordinates from pixel positions (by the entity's centre).
      for (const e of g.entities) if (gridded(e)) snapIn(g, p, e);
    },
    update(g, dt, p, s) {
      const pushable = g.has("push_blocks");
      let dir = null;
      for (const k of Object.keys(DIRS)) if (g.input.pressed(k)) { dir = k; s.rep = p.repeat * 1.6; }
      if (!dir && s.held && g.input.down(s.held) && p.repeat > 0) {
        s.rep -= dt;
        if (s.rep <= 0) { dir = s.held; s.rep = p.repeat; }
      }
      if (dir) s.held = dir;
      for (const e of g.entities) if (gridded(e) && e.gx === undefined) snapIn(g, p, e);
      if (dir) {
        const [dx, dy] = DIRS[dir];
        for (const pl of g.all("player")) {
          pl.facing = dx || pl.facing;
          const nx = pl.gx + dx, ny = pl.gy + dy;
          const blockThere = !pushable && g.all("block").some((b) => b.gx === nx && b.gy === ny);
          if (!inside(g, p, nx, ny) || wallAt(g, p, nx, ny) || blockThere) {
            g.sfx.play("click", { pitch: 0.6 });
            g.emit("bump", { e: pl, dx, dy });
            continue;
          }
          pl.gx = nx; pl.gy = ny; pl.lastMove = { dx, dy, frame: g.frame };
          g.moves += 1;
          g.sfx.play("click", { pitch: 1.3 });
          g.emit("move", { e: pl, dx, dy, gx: nx, gy: ny });
        }
      }
      // Slide every gridded entity towards its tile.
      const sp = p.slide > 0 ? p.tile / p.slide : Infinity;
      for (const e of g.entities) {
        if (e.gx === undefined || e.dead) continue;
        const tx = p.origin_x + e.gx * p.tile + (p.tile - e.w) / 2, ty = p.origin_y + e.gy * p.tile + (p.tile - e.h) / 2;
        e.x += g.clamp(tx - e.x, -sp * dt, sp * dt); e.y += g.clamp(ty - e.y, -sp * dt, sp * dt);
      }
    },
    probe: {
      setup(g) {
        g.add({ x: 80, y: 80, w: 40, h: 40, tags: ["player"] });      // tile (2, 2)
        g.add({ x: 200, y: 80, w: 40, h: 40, tags: ["solid"] });      // tile (5, 2)
      },
      script: [{ press: "right" }, { wait: 10 }, { press: "right" }, { wait: 10 }, { press: "right" }, { wait: 10 },
        { hold: "down", frames: 40 }, { wait: 10 }],
      check(g, rec) {
        // Two steps right, blocked by the wall; then holding ↓ repeats steps; sliding ends on the tile.
        const pl = g.first("player");
        return rec.at(22).player_x === 160 && rec.events.bump === 1 && pl.gx === 4 && pl.gy >= 4 &&
          pl.x === 160 && pl.y === pl.gy * 40 && g.moves === 2 + (pl.gy - 2);
      },
    },
  });

  function gridded(e) { return !e.dead && (e.tags.includes("player") || e.tags.includes("block") || e.tags.includes("goal")); }
  function snapIn(g, p, e) {
    e.gx = Math.floor((e.x + e.w / 2 - p.origin_x) / p.tile);
    e.gy = Math.floor((e.y + e.h / 2 - p.origin_y) / p.tile);
  }
  function inside(g, p, gx, gy) {
    const x = p.origin_x + gx * p.tile, y = p.origin_y + gy * p.tile;
    return x >= 0 && y >= 0 && x + p.tile <= g.W && y + p.tile <= g.H;
  }
  // A tile is a wall when any "solid" covers its centre area (solids may span several tiles).
  function wallAt(g, p, gx, gy) {
    const c = { x: p.origin_x + gx * p.tile + 4, y: p.origin_y + gy * p.tile + 4, w: p.tile - 8, h: p.tile - 8 };
    return g.all("solid").some((s) => g.overlap(c, s));
  }
})();
