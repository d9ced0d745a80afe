import assert from 'node:assert/strict';
import * as cart from './cart.js';

assert.equal(cart.total([{ price: 2, qty: 3 }, { price: 1, qty: 1 }]), 7);
assert.equal(cart.total([]), 0);
if (cart.wishlistCount) {
  assert.equal(cart.wishlistCount([{ wish: true }, { wish: false }, { wish: true }]), 2);
}
console.log('ok - all cart tests passed');
