#!/bin/sh
# Queues five example tasks, so `nightshift overnight start` has a night to run:
#     ./bin/seed-queue.sh && nightshift overnight start && nightshift overnight report
# One is a new feature (the policy parks it for the operator's approval), one fails its verify
# command, one waits for another.
set -eu
ns="${NIGHTSHIFT:-nightshift}"
$ns queue add "Fix the flaky login test" --id fix-login --hours 1 --category "Bug fixes" --priority HIGH \
    --description "tests/login occasionally times out; find the race and fix it" --verify "test -f work/fix-login.md"
$ns queue add "Document the fix" --id doc-login --hours 1 --category Documentation --priority MEDIUM \
    --description "Explain the login race in docs/" --depends-on fix-login --verify "test -f work/doc-login.md"
$ns queue add "Speed up the report query" --id speed-report --hours 2 --category "Performance optimization" --priority HIGH \
    --impact 7 --effort 3 --verify "test -f work/speed-report.md"
$ns queue add "Add CSV export" --id csv-export --hours 4 --category "New features" --priority MEDIUM \
    --description "Export the monthly report as CSV"
$ns queue add "Tidy the build scripts" --id tidy-build --hours 1 --category Infrastructure --priority LOW \
    --verify "test -f work/does-not-exist.md"
