#!/usr/bin/env bash
# Set up (first run only) and start the Ludeme studio on your default project.
# Extra arguments go to the `ludeme` command, e.g. `bash packaging/studio.sh list --project P`.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec "$VENV/bin/ludeme" "$@"
