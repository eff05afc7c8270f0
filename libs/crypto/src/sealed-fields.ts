/**
 * Applies `fn` to each present, non-null value of a row's field map, as sealing and opening
 * declared fields both need: an absent field stays absent and a null stays null.
 */
export function mapPresentFields<K extends string, A, B>(fields: Partial<Record<K, A | null>>, fn: (field: K, value: A) => B): Partial<Record<K, B | null>> {
  const out: Partial<Record<K, B | null>> = {};
  for (const field of Object.keys(fields) as K[]) {
    const value = fields[field];
    if (value === undefined) continue;
    out[field] = value === null ? null : fn(field, value);
  }
  return out;
}

/** The plaintext of a sealed JSON field: an object, or `fail()` (the caller's integrity error). */
export function parseSealedObject(text: string, fail: () => Error): object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail();
  return value;
}
