/** Case forms whose typed values can come back on the case page, by the last path segment. */
export const CASE_FORM_KEYS: Record<string, string> = { consents: 'consent', stage: 'stage', closure: 'closure', assign: 'assign', 'action-plan': 'plan', notes: 'note' };

const ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export type Resumable =
  | { kind: 'new-case' }
  | { kind: 'incident'; caseId: string }
  | { kind: 'case-form'; caseId: string; key: string }
  | { kind: 'referral-form'; referralId: string; form: 'decline' | 'complete' | 'notes' }
  | { kind: 'service'; serviceId: string | null };

/** The forms worth keeping across an expired session (the ones where someone typed something). */
export function resumable(path: string): Resumable | null {
  if (path === '/cases') return { kind: 'new-case' };
  if (path === '/services') return { kind: 'service', serviceId: null };
  let m = new RegExp(`^/cases/(${ID})/incidents$`).exec(path);
  if (m) return { kind: 'incident', caseId: m[1] };
  m = new RegExp(`^/cases/(${ID})/(consents|stage|closure|assign|action-plan|notes)$`).exec(path);
  if (m) return { kind: 'case-form', caseId: m[1], key: CASE_FORM_KEYS[m[2]] };
  m = new RegExp(`^/referrals/(${ID})/(decline|complete|notes)$`).exec(path);
  if (m) return { kind: 'referral-form', referralId: m[1], form: m[2] as 'decline' | 'complete' | 'notes' };
  m = new RegExp(`^/services/(${ID})$`).exec(path);
  if (m) return { kind: 'service', serviceId: m[1] };
  return null;
}
