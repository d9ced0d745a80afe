/**
 * JSON text as Plane (Python) writes it. Two styles: Django REST Framework API answers (compact
 * `,`/`:`, non-ASCII kept, U+2028/2029 escaped) and webhook bodies from `json.dumps(payload)`
 * (`, `/`: ` separators, every non-ASCII character escaped as `\uXXXX`). Python writes floats with a
 * decimal point (`65535.0`), so values Plane stores as floats are wrapped in PyFloat.
 */

/** A number Python holds as a float (`sequence`, `sort_order`): always written with a fraction. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Which of Plane's two serialisations to produce. */
export type PythonJsonStyle = 'drf' | 'dumps';

/** Serialises `value` like DRF's JSONRenderer (`drf`) or Python's default `json.dumps` (`dumps`). */
export function pythonJson(value: unknown, style: PythonJsonStyle): string {
  const item = style === 'drf' ? ',' : ', ';
  const key = style === 'drf' ? ':' : ': ';
  const write = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v instanceof PyFloat) return floatRepr(v.value);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
    if (typeof v === 'string') return quote(v, style);
    if (Array.isArray(v)) return `[${v.map(write).join(item)}]`;
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
      return `{${entries.map(([k, inner]) => `${quote(k, style)}${key}${write(inner)}`).join(item)}}`;
    }
    return 'null';
  };
  return write(value);
}

function floatRepr(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : String(value);
}

function quote(text: string, style: PythonJsonStyle): string {
  const json = JSON.stringify(text);
  // Python's ensure_ascii escapes everything outside printable ASCII, DEL included; JSON.stringify
  // already wrote the control characters the way Python does.
  const pattern = style === 'dumps' ? /[\u007f-\uffff]/g : /[\u2028\u2029]/g;
  return json.replace(pattern, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
