#!/bin/sh
# Demo reviewer: requests changes while wishlistCount does not handle null input.
set -eu
mkdir -p "$ORCH_ARTIFACTS_DIR"
if grep -q 'items == null' cart.js; then
  cat > "$ORCH_ARTIFACTS_DIR/12-review.md" <<'MD'
---
verdict: APPROVE
---
# Review

## Findings
- P2: consider a JSDoc comment on wishlistCount.
MD
  echo "reviewer: approved"
else
  cat > "$ORCH_ARTIFACTS_DIR/12-review.md" <<'MD'
---
verdict: REQUEST_CHANGES
---
# Review

## Findings
- P1: cart.js wishlistCount(null) throws a TypeError; return 0 for null or undefined items.
- P2: consider a JSDoc comment on wishlistCount.
MD
  echo "reviewer: changes requested"
fi
