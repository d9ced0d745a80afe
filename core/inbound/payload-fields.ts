/**
 * Reading fields out of untrusted JSON without throwing: each reader returns null when the value
 * is absent or of the wrong type, so mappers can turn any shape into a value.
 */
import { wellFormed } from '../display-text.ts';

/** A JSON object as parsed (never an array or null). */
export type JsonObject = { readonly [key: string]: unknown };

/** `value` as an object, or null for arrays, primitives and null. */
export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** The object at `key`, or null. */
export function objectField(source: JsonObject | null, key: string): JsonObject | null {
  return source ? asObject(source[key]) : null;
}

/**
 * The string at `key`, or null (non-strings are not coerced). A lone surrogate (a `\ud800` escape
 * in the JSON) becomes U+FFFD here, as the database would store it: one value everywhere.
 */
export function stringField(source: JsonObject | null, key: string): string | null {
  const value = source?.[key];
  return typeof value === 'string' ? wellFormed(value) : null;
}

/** The non-empty string at `key`, or null. */
export function textField(source: JsonObject | null, key: string): string | null {
  const value = stringField(source, key);
  return value === null || value === '' ? null : value;
}

/** The finite number at `key`, or null. */
export function numberField(source: JsonObject | null, key: string): number | null {
  const value = source?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The array at `key`, or an empty array. */
export function arrayField(source: JsonObject | null, key: string): readonly unknown[] {
  const value = source?.[key];
  return Array.isArray(value) ? value : [];
}
