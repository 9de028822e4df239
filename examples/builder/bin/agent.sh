#!/bin/sh
# The builder example's sub-agent: harmless, so a newcomer can watch a whole night in a minute.
#
# Nightshift runs it once per queued task as `./bin/agent.sh TASK_ID PROMPT` (see [builder] agent in
# nightshift.toml), with NIGHTSHIFT_TASK_ID, NIGHTSHIFT_TASK_TITLE, NIGHTSHIFT_TASK_CATEGORY and
# NIGHTSHIFT_TASK_ATTEMPT set. Its output lands in logs/subagents/TASK_ID.log.
#
# With NIGHTSHIFT_AGENT set (e.g. "claude -p" or "codex exec"), it hands the prompt to that agent.
# Better still, point [builder] agent at the agent directly: agent = ["claude", "-p", "{prompt}"].
set -eu
task="${1:?usage: agent.sh TASK_ID PROMPT}"
prompt="${2:?usage: agent.sh TASK_ID PROMPT}"
if [ -n "${NIGHTSHIFT_AGENT:-}" ]; then
    exec $NIGHTSHIFT_AGENT "$prompt"
fi
echo "[$task] prompt:"
echo "$prompt" | sed 's/^/    /'
echo "[$task] no agent configured (NIGHTSHIFT_AGENT is unset): pretending to work for 2 seconds"
sleep 2
mkdir -p work
{
    echo "# $task: ${NIGHTSHIFT_TASK_TITLE:-?}"
    echo
    echo "Category: ${NIGHTSHIFT_TASK_CATEGORY:-?}; attempt ${NIGHTSHIFT_TASK_ATTEMPT:-1}."
    echo "A real agent would have done the work here."
} > "work/$task.md"
echo "[$task] wrote work/$task.md"
