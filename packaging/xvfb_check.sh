#!/usr/bin/env bash
# The studio on a real X server: starts Xvfb (installed if missing), runs the README's studio
# command on the xcb platform (not offscreen) against a fresh data folder, and checks that it
# wrote a screenshot of a playing seed game that is neither blank nor cut off. Missing xcb
# libraries, focus and layout problems show here and not offscreen. Used by .ci/run.
#
#   bash packaging/xvfb_check.sh [OUT.png]       (default: build/xvfb-studio.png)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build/xvfb-studio.png}"
say() { printf '\033[1;34mxvfb:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxvfb:\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi; }

if ! command -v Xvfb >/dev/null; then
  say "installing xvfb"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb >/dev/null \
    || die "Xvfb is missing: sudo apt-get install -y xvfb"
fi
display=":$(( 90 + RANDOM % 9 ))"
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
data="$(mktemp -d)"
trap 'kill "$xpid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
say "studio on $display (xcb), fresh data folder"
started=$(date +%s)
env -u QT_QPA_PLATFORM DISPLAY="$display" QT_QPA_PLATFORM=xcb LUDEME_DATA_DIR="$data" \
  timeout 180 bash "$ROOT/packaging/studio.sh" gui --screenshot "$OUT" 2>"$data/stderr.txt" \
  || { tail -n 30 "$data/stderr.txt" >&2; die "the studio did not start on the X server"; }
[ -s "$OUT" ] || die "no screenshot was written"
"$ROOT/.venv/bin/python" - "$OUT" <<'PY' || die "the screenshot looks wrong"
import sys

import numpy as np
from PySide6.QtGui import QImage

img = QImage(sys.argv[1]).convertToFormat(QImage.Format.Format_RGB888)
assert not img.isNull(), "unreadable PNG"
w, h = img.width(), img.height()
assert w >= 1000 and h >= 600, f"the window is only {w}x{h}"
a = np.frombuffer(img.constBits(), np.uint8).reshape(h, img.bytesPerLine())[:, :w * 3].reshape(h, w, 3)
colours = len(np.unique(a.reshape(-1, 3) // 8, axis=0))
# The studio's own chrome has a few hundred colours; a seed game playing in it adds thousands.
# (A game the compositor failed to show, as with --ignore-gpu-blocklist on Mesa, leaves ~300.)
assert colours > 1000, f"only {colours} colours: the game is not on screen"
print(f"xvfb: screenshot {w}x{h}, {colours} colours")
PY
# A playtest started from a desktop session (DISPLAY set, no platform named) runs offscreen and
# must not touch the display: Chromium's GPU process died on Mesa's software X server before.
cat > "$data/game.html" <<'HTML'
<!DOCTYPE html><html><head><title>Dot</title></head><body style="margin:0;background:#111">
<canvas id="c" width="320" height="240"></canvas><script>
const x = document.getElementById('c').getContext('2d'); let px = 160, t = 0;
addEventListener('keydown', e => { if (e.code === 'ArrowLeft') px -= 12; if (e.code === 'ArrowRight') px += 12; });
(function f() { t++; x.fillStyle = '#111'; x.fillRect(0, 0, 320, 240); x.fillStyle = '#fd0'; x.fillRect(px, 200, 20, 20);
  x.fillStyle = '#f44'; x.fillRect((t * 3) % 320, 40, 14, 14); requestAnimationFrame(f); })();
</script></body></html>
HTML
say "a playtest from the X session (offscreen, DISPLAY set)"
env -u QT_QPA_PLATFORM DISPLAY="$display" LUDEME_DATA_DIR="$data" \
  timeout 120 "$ROOT/.venv/bin/ludeme" evaluate "$data/game.html" --seconds 2 >"$data/evaluate.txt" 2>&1 \
  || { tail -n 20 "$data/evaluate.txt" >&2; die "a playtest started from the X session crashed"; }
grep -q "^verdict: playable" "$data/evaluate.txt" || { cat "$data/evaluate.txt" >&2; die "the playtest did not find the game playable"; }
say "ok in $(( $(date +%s) - started )) s: $OUT"
