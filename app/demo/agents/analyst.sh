#!/bin/sh
# Demo analyst: writes a BRD from the task file, following the agent contract.
set -eu
mkdir -p "$ORCH_ARTIFACTS_DIR"
title=$(head -n 1 "$ORCH_TASK_FILE" | sed 's/^# //')
cat > "$ORCH_ARTIFACTS_DIR/01-brd.md" <<BRD
# BRD: $title

## Goal
Shoppers see how many cart items they marked as wished, so they can decide what to buy later.

## Requirements
- cart.js exports wishlistCount(items): the number of items with wish = true.
- Existing totals keep working; the test suite stays green.

## Out of scope
Persisting the wishlist.
BRD
echo "analyst: BRD written for $ORCH_TASK_ID (attempt $ORCH_ATTEMPT)"
