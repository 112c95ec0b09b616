#!/usr/bin/env bash
# Set up (first run only) and run the test suite offscreen. Extra arguments go to pytest.
export LUDEME_EXTRAS="${LUDEME_EXTRAS:-test,cluster}"  # the tests start a local Ray cluster
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$LUDEME_ROOT"
export QT_QPA_PLATFORM=offscreen
exec "$VENV/bin/python" -m pytest -q "$@"
