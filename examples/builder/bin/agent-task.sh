#!/bin/sh
# Runs one coding-agent task for Nightshift's builder example.
# Prints a JSON status line that the job's success check reads.
set -eu
if [ "${1:-}" = "--check" ]; then
    echo '{"status":"ok","check":"nothing to test in the example"}'
    exit 0
fi
if [ -n "${NIGHTSHIFT_AGENT:-}" ]; then
    $NIGHTSHIFT_AGENT "Work on the next task in TASKS.md; stop after one task." || { echo '{"status":"failed"}'; exit 1; }
    echo '{"status":"ok","agent":"ran"}'
else
    echo "no agent configured (set NIGHTSHIFT_AGENT); run $NIGHTSHIFT_RUN_ID would have started one"
    echo '{"status":"ok","agent":"dry-run"}'
fi
