/** Plural forms by the locale's CLDR rules (Node's built-in `Intl.PluralRules`, docs/adr/0029). */
import type { Locale } from '../../core/config/config.ts';

/** A word's forms per CLDR plural category; `other` is the fallback. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string };

const rules = new Map<Locale, Intl.PluralRules>();

/** `n` followed by the form of the word that the locale's rules pick for it ("3 замечания"). */
export function plural(locale: Locale, n: number, forms: PluralForms): string {
  let pr = rules.get(locale);
  if (!pr) rules.set(locale, (pr = new Intl.PluralRules(locale)));
  return `${n} ${forms[pr.select(n)] ?? forms.other}`;
}

/** "Alice or Bob", "Alice или Bob": the locale's own list pattern. */
export function orList(locale: Locale, items: readonly string[]): string {
  return new Intl.ListFormat(locale, { type: 'disjunction' }).format(items);
}
