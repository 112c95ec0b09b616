#!/usr/bin/env bash
# Build the one-folder Ludeme bundle (dist/ludeme/) with PyInstaller, then smoke-test it: the bundled
# `ludeme gui` opens a fresh project offscreen, plays a seed game and writes a screenshot, which must
# exist and not be blank. Prints the build time, bundle size and start-to-screenshot time.
#
#   bash packaging/build.sh                 # build + smoke test
#   LUDEME_SKIP_SMOKE=1 bash packaging/build.sh
#   PYTHON=/path/to/python bash packaging/build.sh   (default: .venv/bin/python of this checkout)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
say() { printf '\033[1;34mbuild:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mbuild:\033[0m %s\n' "$*" >&2; exit 1; }

[ -x "$PYTHON" ] || die "no Python at $PYTHON (run bash packaging/studio.sh once, or set PYTHON=...)"
cd "$ROOT"

say "installing the pinned build tools (packaging/build-constraints.txt)"
"$PYTHON" -m pip install -q -c packaging/build-constraints.txt pyinstaller pyinstaller-hooks-contrib

started=$(date +%s)
say "building dist/ludeme/ (PyInstaller one-folder; takes a few minutes)"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/ludeme.spec
build_s=$(( $(date +%s) - started ))
BIN="$ROOT/dist/ludeme/ludeme"
[ -x "$BIN" ] || die "the build produced no $BIN"
# For installing: the .desktop entry and the icon, laid out like /usr/share (or ~/.local/share):
#   cp -r dist/ludeme/share/* ~/.local/share/ && ln -s "$PWD/dist/ludeme/ludeme" ~/.local/bin/ludeme
install -Dm644 packaging/ludeme.desktop "$ROOT/dist/ludeme/share/applications/ludeme.desktop"
install -Dm644 resources/icons/ludeme.svg "$ROOT/dist/ludeme/share/icons/hicolor/scalable/apps/ludeme.svg"
size=$(du -sh "$ROOT/dist/ludeme" | cut -f1)
say "built in ${build_s} s; bundle size ${size} (dist/ludeme)"

if [ "${LUDEME_SKIP_SMOKE:-0}" = 1 ]; then exit 0; fi

# --- smoke test: the frozen program, a fresh project, a game on screen -------------------------
SMOKE="$(mktemp -d "${TMPDIR:-/tmp}/ludeme-smoke.XXXXXX")"
trap 'rm -rf "$SMOKE"' EXIT
export LUDEME_DATA_DIR="$SMOKE/data" QT_QPA_PLATFORM=offscreen
unset LUDEME_RESOURCES LUDEME_PLUGINS_DIR
if [ "$(id -u)" = 0 ]; then export QTWEBENGINE_CHROMIUM_FLAGS="${QTWEBENGINE_CHROMIUM_FLAGS:-} --no-sandbox"; fi

"$BIN" --version
"$BIN" init --project "$SMOKE/smoke.ludeme"
"$BIN" plugins
t0=$(date +%s%N)
"$BIN" gui --project "$SMOKE/smoke.ludeme" --screenshot "$SMOKE/shot.png"
ms=$(( ($(date +%s%N) - t0) / 1000000 )); start_s="$((ms / 1000)).$(( (ms % 1000) / 100 ))"
[ -s "$SMOKE/shot.png" ] || die "smoke test: no screenshot was written"
"$PYTHON" - "$SMOKE/shot.png" <<'PY' || die "smoke test: the screenshot is blank"
import sys
from PySide6.QtGui import QImage
img = QImage(sys.argv[1]).convertToFormat(QImage.Format.Format_RGB888)
w, h = img.width(), img.height()
colours = {img.pixel(x, y) for x in range(0, w, max(1, w // 64)) for y in range(0, h, max(1, h // 48))}
print(f"screenshot {w}x{h}, {len(colours)} distinct colours in a 64x48 sample")
sys.exit(0 if w > 200 and h > 200 and len(colours) > 20 else 1)
PY
mkdir -p "$ROOT/build"
cp "$SMOKE/shot.png" "$ROOT/build/smoke-shot.png"
say "smoke test passed: screenshot in build/smoke-shot.png"
say "figures: build ${build_s} s, bundle ${size}, start to screenshot ${start_s} s"
