#!/bin/sh
# Demo developer: the first attempt forgets null input; the next one reads the must-fix text
# from the task file and fixes it, with a test.
set -eu
write_cart() {
  cat > cart.js <<JS
// A tiny shop cart: the demo's application under delivery.
export function total(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}

export function wishlistCount(items) {
$1
  return items.filter((item) => item.wish).length;
}
JS
}
if grep -q '## Must fix' "$ORCH_TASK_FILE"; then
  echo "developer: must-fix received:"
  sed -n '/## Must fix/,$p' "$ORCH_TASK_FILE"
  write_cart '  if (items == null) return 0;'
  grep -q 'wishlistCount(null)' test.js || cat >> test.js <<'JS'
assert.equal(cart.wishlistCount(null), 0);
console.log('ok - wishlistCount handles null');
JS
else
  write_cart ''
fi
echo "developer: attempt $ORCH_ATTEMPT done on $ORCH_BRANCH"
