import { CaseStage } from './case-codes';

/**
 * Allowed stage transitions, after the inter-agency GBV case management guidelines.
 *
 * | from           | forward        | back one step (why)                               | close |
 * |----------------|----------------|---------------------------------------------------|-------|
 * | intake         | assessment     | —                                                 | yes   |
 * | assessment     | action_plan    | —                                                 | yes   |
 * | action_plan    | implementation | assessment (needs must be reassessed)             | yes   |
 * | implementation | follow_up      | action_plan (the plan is revised)                 | yes   |
 * | follow_up      | —              | implementation (needs remain; services go on)     | yes   |
 * | closed         | —              | —                                                 | —     |
 *
 * A survivor may end case management at any stage (survivor-centred approach), so every open
 * stage may close; closing needs a supervisor (a caseworker asks for it through a closure
 * approval request). A closed case moves only by reopening (`checkReopen`): a supervisor,
 * with a reason, sends it back to assessment, since a returning survivor's needs must be
 * assessed again.
 */
export const STAGE_TRANSITIONS: Readonly<Record<CaseStage, readonly CaseStage[]>> = {
  intake: ['assessment', 'closed'],
  assessment: ['action_plan', 'closed'],
  action_plan: ['implementation', 'assessment', 'closed'],
  implementation: ['follow_up', 'action_plan', 'closed'],
  follow_up: ['implementation', 'closed'],
  closed: [],
};

export type StageRefusal = 'same_stage' | 'transition_not_allowed' | 'closure_needs_supervisor';

export function checkStageTransition(
  from: CaseStage,
  to: CaseStage,
  actorRole: 'caseworker' | 'supervisor',
): StageRefusal | null {
  if (from === to) return 'same_stage';
  if (!STAGE_TRANSITIONS[from].includes(to)) return 'transition_not_allowed';
  if (to === 'closed' && actorRole !== 'supervisor') return 'closure_needs_supervisor';
  return null;
}

/** Where a reopened case resumes. */
export const REOPEN_STAGE: CaseStage = 'assessment';

export type ReopenRefusal = 'case_not_closed' | 'reopen_needs_supervisor';

export function checkReopen(from: CaseStage, actorRole: 'caseworker' | 'supervisor'): ReopenRefusal | null {
  if (actorRole !== 'supervisor') return 'reopen_needs_supervisor';
  if (from !== 'closed') return 'case_not_closed';
  return null;
}
