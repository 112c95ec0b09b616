// Push blocks: Sokoban-style crates the player shoves one tile at a time.
(() => {
  // Tile helpers, reading grid_move's grid (same rules as grid_move's own walls).
  function free(g, gp, gx, gy, except) {
    const x = gp.origin_x + gx * gp.tile, y = gp.origin_y + gy * gp.tile;
    if (x < 0 || y < 0 || x + gp.tile > g.W || y + gp.tile > g.H) return false;
    const c = { x: x + 4, y: y + 4, w: gp.tile - 8, h: gp.tile - 8 };
    if (g.all("solid").some((s) => g.overlap(c, s))) return false;
    return !g.all("block").some((b) => b !== except && b.gx === gx && b.gy === gy);
  }

  Kit.mechanic({
    id: "push_blocks",
    name: "Pushable blocks",
    summary: "Walking into a block pushes it one tile, unless a wall or another block is behind it (Sokoban rules).",
    category: "puzzle",
    changes: ["actions", "transitions"],
    requires: ["grid_move"],
    params: {
      chain: 0,    // 1 = a push can shove a whole row of blocks, 0 = one block at a time (Sokoban)
    },
    update(g, dt, p) {
      const gp = g.params("grid_move");
      if (!gp) return;
      for (const pl of g.all("player")) {
        const mv = pl.lastMove;
        if (!mv || mv.frame !== g.frame) continue;   // only right after grid_move stepped
        const hit = g.all("block").find((b) => b.gx === pl.gx && b.gy === pl.gy);
        if (!hit) continue;
        // The row of blocks to move (just one unless chain pushing is on).
        const row = [hit];
        let nx = hit.gx + mv.dx, ny = hit.gy + mv.dy, next;
        while (p.chain && (next = g.all("block").find((b) => b.gx === nx && b.gy === ny))) { row.push(next); nx += mv.dx; ny += mv.dy; }
        if (free(g, gp, nx, ny, null)) {
          for (const b of row) { b.gx += mv.dx; b.gy += mv.dy; }
          g.sfx.play("click", { pitch: 0.8 });
          g.emit("push", { e: hit, gx: hit.gx, gy: hit.gy, dx: mv.dx, dy: mv.dy });
        } else {
          // Blocked: undo the player's step.
          pl.gx -= mv.dx; pl.gy -= mv.dy; pl.lastMove = null;
          g.moves = Math.max(0, (g.moves || 1) - 1);
          g.sfx.play("click", { pitch: 0.5 });
          g.emit("bump", { e: pl, dx: mv.dx, dy: mv.dy });
        }
      }
    },
    probe: {
      setup(g) {
        g.add({ x: 80, y: 80, w: 40, h: 40, tags: ["player"] });          // (2, 2)
        g.add({ x: 160, y: 80, w: 40, h: 40, tags: ["block"] });          // (4, 2)
        g.add({ x: 280, y: 80, w: 40, h: 40, tags: ["solid"] });          // (7, 2)
      },
      // Right ×5: step, push, push, then the block hits the wall and nobody moves.
      script: [{ press: "right" }, { wait: 8 }, { press: "right" }, { wait: 8 }, { press: "right" }, { wait: 8 },
        { press: "right" }, { wait: 8 }, { press: "right" }, { wait: 8 }],
      check(g, rec) {
        const b = g.first("block"), pl = g.first("player");
        return b.gx === 6 && pl.gx === 5 && rec.events.push === 2 && rec.events.bump === 2 && b.x === 240;
      },
    },
  });
})();
