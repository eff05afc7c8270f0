import { mapPresentFields, parseSealedObject } from './sealed-fields';

describe('sealed field helpers', () => {
  it('maps present values only: absent stays absent, null stays null', () => {
    const out = mapPresentFields<'a' | 'b' | 'c', string, number>({ a: 'xy', b: null, c: undefined }, (_f, v) => v.length);
    expect(out).toEqual({ a: 2, b: null });
    expect('c' in out).toBe(false);
  });

  it('parses a sealed JSON object, and fails with the caller’s error otherwise', () => {
    expect(parseSealedObject('{"k":1}', () => new Error('bad'))).toEqual({ k: 1 });
    for (const text of ['not json', '[1]', 'null', '3']) expect(() => parseSealedObject(text, () => new Error('bad'))).toThrow('bad');
  });
});
