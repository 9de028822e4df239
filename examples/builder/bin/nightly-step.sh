#!/bin/sh
# One step of the builder example's nightly cycle. Harmless: it only reads the workspace and
# writes under snapshots/. Each step prints its result on a NIGHTSHIFT_OUTPUT line, which
# Nightshift stores and hands to later steps in the JSON file $NIGHTSHIFT_STEP_OUTPUTS.
set -eu
step="${1:?usage: nightly-step.sh snapshot|disk|tests|summary}"
case "$step" in
snapshot)
    # The idempotency key is the same when a crash makes this step run again: the snapshot of
    # this cycle run is written once, under that key, and a rerun overwrites the same file.
    mkdir -p snapshots
    name="snapshots/$(echo "$NIGHTSHIFT_IDEMPOTENCY_KEY" | tr ':' '-').tar.gz"
    tar -czf "$name" nightshift.toml bin
    echo "NIGHTSHIFT_OUTPUT {\"snapshot\": \"$name\"}"
    ;;
disk)
    used=$(df -P . | awk 'NR == 2 { sub("%", "", $5); print $5 }')
    echo "NIGHTSHIFT_OUTPUT {\"disk_used_percent\": $used}"
    ;;
tests)
    # A real project runs its test suite here.
    echo 'nothing to test in the example'
    echo 'NIGHTSHIFT_OUTPUT {"tests": "ok"}'
    ;;
summary)
    echo "earlier steps reported: $(cat "$NIGHTSHIFT_STEP_OUTPUTS")"
    echo 'NIGHTSHIFT_OUTPUT {"summary": "written"}'
    ;;
*)
    echo "unknown step $step" >&2
    exit 2
    ;;
esac
