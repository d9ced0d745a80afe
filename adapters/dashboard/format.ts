/** Durations and times as the dashboard shows them. */

/** `45s`, `12m`, `3h 12m`, `2d 4h`. */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${m % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** `2026-12-06 16:40 UTC`. */
export function when(ms: number | null): string {
  if (ms === null) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `12-06 16:40`: a timeline row's time (the column header says UTC); never wraps on a phone. */
export function whenShort(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
}
