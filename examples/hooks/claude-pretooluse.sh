#!/bin/sh
# Claude Code PreToolUse hook: asks Nightshift's policy before Claude Code runs a Bash command.
#
# Register it in .claude/settings.json (docs/POLICY.md, "Using nightshift propose as a Claude Code
# permission hook"):
#     {"hooks": {"PreToolUse": [{"matcher": "Bash",
#         "hooks": [{"type": "command", "command": "/path/to/claude-pretooluse.sh"}]}]}}
#
# Claude Code writes the tool call as JSON on stdin. This script proposes it as the action type
# claude_bash with the attributes `tool`, `command` and `cwd` (the folder Claude Code runs it in),
# and maps the decision to Claude Code's contract:
#     allowed (nightshift exit 0)              -> exit 0: no objection, the call goes on
#     parked for approval (3) or forbidden (4) -> the reason on stderr, exit 2: Claude Code blocks
#                                                 the call and shows the reason to Claude
# Anything else (nightshift missing, bad input, a broken policy) also blocks: a guard that fails
# open guards nothing. Claude Code treats every exit status other than 0 and 2 as a non-blocking
# error and runs the command anyway, which is why this script never exits with one.
#
# The command goes to Nightshift as an attribute, never as an executable payload, so Nightshift
# never runs it itself: Claude Code runs it, once, after exit 0.
#
# Environment: NIGHTSHIFT_WORKSPACE (the workspace whose policy.toml decides; default
# ~/.nightshift), NIGHTSHIFT (the nightshift executable; default: the one on PATH).
# Needs jq.

workspace=${NIGHTSHIFT_WORKSPACE:-$HOME/.nightshift}
nightshift=${NIGHTSHIFT:-nightshift}

block() {
    printf 'nightshift policy: %s\n' "$1" >&2
    exit 2
}

command -v jq >/dev/null 2>&1 || block "jq is not installed; the hook cannot read the tool call"
input=$(cat) || block "could not read the hook input"
tool=$(printf '%s' "$input" | jq -r '.tool_name // empty') || block "the hook input is not JSON"
[ "$tool" = "Bash" ] || exit 0 # not ours: the matcher sends only Bash here
cmd=$(printf '%s' "$input" | jq -r '.tool_input.command // empty') || block "the hook input is not JSON"
[ -n "$cmd" ] || block "the Bash call has no command"

# The folder the command runs in, so the policy reads `cd ..` and `rm -rf .` from the right place.
cwd=$(printf '%s' "$input" | jq -r '.cwd // empty') || block "the hook input is not JSON"

if [ -n "$cwd" ]; then
    out=$("$nightshift" propose claude_bash --attr tool="$tool" --attr command="$cmd" --attr cwd="$cwd" -w "$workspace" 2>&1)
else
    out=$("$nightshift" propose claude_bash --attr tool="$tool" --attr command="$cmd" -w "$workspace" 2>&1)
fi
status=$?
case $status in
    0) exit 0 ;;
    3) block "parked for the operator's approval: $out" ;;
    4) block "forbidden: $out" ;;
    *) block "could not ask the policy (nightshift propose exited $status): $out" ;;
esac
