/**
 * Telling text from binary garbage: an artefact that was decoded from bytes that are not UTF-8
 * text is full of U+FFFD replacement characters and control codes, and binary files carry NULs.
 * Gates treat such input as unreadable (red), never as "no verdict found" by luck.
 */

/** Above this share of suspicious characters the input is not text. */
const SUSPICIOUS_SHARE = 0.1;

function isSuspicious(code: number): boolean {
  if (code === 0xfffd) return true;
  // C0 controls except tab, line feed, vertical tab, form feed, carriage return and escape
  // (escape starts the ANSI colour codes common in CI logs).
  if (code < 0x20) return !(code >= 0x09 && code <= 0x0d) && code !== 0x1b;
  return code === 0x7f;
}

/**
 * Why `text` cannot be read as text, or null when it can: any NUL character, or more than 10%
 * replacement characters and control codes.
 */
export function unreadableReason(text: string): string | null {
  if (text.includes('\u0000')) return 'contains NUL bytes (binary data)';
  let suspicious = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (isSuspicious(text.charCodeAt(i))) suspicious += 1;
  }
  if (suspicious > 0 && suspicious > text.length * SUSPICIOUS_SHARE) {
    return `${Math.round((suspicious / text.length) * 100)}% undecodable or control characters`;
  }
  return null;
}
