import { ValidationProblem } from '@amani/http';
import { decodeCaseCursor, encodeCaseCursor } from './case-row';

describe('case list cursor', () => {
  const at = '2026-03-01T10:20:30.123456Z';
  const id = '0f9b7c1e-3a5d-4e2f-8b6a-9c0d1e2f3a4b';

  it('round-trips the last row’s time to the microsecond and its id, opaquely', () => {
    const cursor = encodeCaseCursor(at, id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCaseCursor(cursor)).toEqual({ at, id });
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['millisecond time', Buffer.from(`2026-03-01T10:20:30.123Z|${id}`).toString('base64url')],
    ['bad id', Buffer.from(`${at}|x`).toString('base64url')],
    ['extra part', Buffer.from(`${at}|${id}|x`).toString('base64url')],
    ['impossible date', Buffer.from(`2026-13-45T10:20:30.123456Z|${id}`).toString('base64url')],
  ])('refuses %s as a validation problem on the cursor field', (_what, cursor) => {
    expect(() => decodeCaseCursor(cursor)).toThrow(ValidationProblem);
  });
});
