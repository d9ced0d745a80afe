// A tiny shop cart: the demo's application under delivery.
export function total(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}
