import i18next, { TFunction } from 'i18next';

/** A catalogue: nested keys to texts. Plural keys end in `_zero`, `_one`, `_two`, `_few`, `_many`, `_other`. */
export interface Catalogue {
  [key: string]: string | Catalogue;
}

export type Translate = TFunction;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/**
 * Texts through i18next (CLDR plural rules per language via Intl.PluralRules). Values are
 * not HTML-escaped here: the renderer escapes everything it prints.
 */
export function createTranslations<L extends string>(catalogues: Record<L, Catalogue>, fallback: L): (lang: L) => Translate {
  const instance = i18next.createInstance();
  void instance.init({
    resources: Object.fromEntries(Object.entries<Catalogue>(catalogues).map(([lang, c]) => [lang, { translation: c }])),
    lng: fallback,
    fallbackLng: fallback,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map<string, Translate>();
  for (const lang of Object.keys(catalogues)) fixed.set(lang, instance.getFixedT(lang));
  return (lang: L) => fixed.get(lang)!;
}

function flatten(c: Catalogue, prefix = '', out: string[] = []): string[] {
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.push(key);
    else flatten(v, key, out);
  }
  return out;
}

/**
 * Keys of the reference catalogue that a language lacks (a plural key must have every
 * plural form the language's rules use), and keys a language has that the reference does
 * not. Empty for a complete catalogue.
 */
export function catalogueGaps(reference: Catalogue, lang: string, catalogue: Catalogue): string[] {
  const base = (keys: string[]) => new Set(keys.map((k) => k.replace(PLURAL_SUFFIX, '')));
  const refKeys = flatten(reference);
  const refPlurals = new Set(refKeys.filter((k) => PLURAL_SUFFIX.test(k)).map((k) => k.replace(PLURAL_SUFFIX, '')));
  const have = new Set(flatten(catalogue));
  const gaps: string[] = [];
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  for (const key of base(refKeys)) {
    if (refPlurals.has(key)) {
      for (const cat of categories) if (!have.has(`${key}_${cat}`)) gaps.push(`${lang}: missing ${key}_${cat}`);
    } else if (!have.has(key)) gaps.push(`${lang}: missing ${key}`);
  }
  const refBase = base(refKeys);
  for (const key of have) if (!refBase.has(key.replace(PLURAL_SUFFIX, ''))) gaps.push(`${lang}: unknown ${key}`);
  for (const key of have) if (!PLURAL_SUFFIX.test(key) && refPlurals.has(key)) gaps.push(`${lang}: ${key} needs plural forms`);
  return gaps;
}
