#!/bin/sh
# Demo tester: runs the suite and reports the result with its output.
set -u
mkdir -p "$ORCH_ARTIFACTS_DIR"
if output=$(node test.js 2>&1); then result=PASS; else result=FAIL; fi
{
  printf -- '---\nresult: %s\n---\n# Test report\n\n```\n%s\n```\n' "$result" "$output"
} > "$ORCH_ARTIFACTS_DIR/13-test-report.md"
echo "tester: $result"
