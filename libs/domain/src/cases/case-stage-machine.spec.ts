import { CASE_STAGES, CaseStage } from './case-codes';
import { checkStageTransition, STAGE_TRANSITIONS } from './case-stage-machine';

const ALLOWED: [CaseStage, CaseStage][] = [
  ['intake', 'assessment'],
  ['assessment', 'action_plan'],
  ['action_plan', 'implementation'],
  ['implementation', 'follow_up'],
  ['action_plan', 'assessment'],
  ['implementation', 'action_plan'],
  ['follow_up', 'implementation'],
  ['intake', 'closed'],
  ['assessment', 'closed'],
  ['action_plan', 'closed'],
  ['implementation', 'closed'],
  ['follow_up', 'closed'],
];

describe('case stage machine', () => {
  const pairs = CASE_STAGES.flatMap((from) => CASE_STAGES.map((to) => [from, to] as [CaseStage, CaseStage]));

  it.each(pairs)('%s -> %s', (from, to) => {
    const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
    const supervisor = checkStageTransition(from, to, 'supervisor');
    const caseworker = checkStageTransition(from, to, 'caseworker');
    if (from === to) {
      expect(supervisor).toBe('same_stage');
      expect(caseworker).toBe('same_stage');
    } else if (!allowed) {
      expect(supervisor).toBe('transition_not_allowed');
      expect(caseworker).toBe('transition_not_allowed');
    } else if (to === 'closed') {
      expect(supervisor).toBeNull();
      expect(caseworker).toBe('closure_needs_supervisor');
    } else {
      expect(supervisor).toBeNull();
      expect(caseworker).toBeNull();
    }
  });

  it('the table holds exactly the documented transitions', () => {
    const table = Object.entries(STAGE_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}->${to}`));
    expect(table.sort()).toEqual(ALLOWED.map(([f, t]) => `${f}->${t}`).sort());
  });

  it('closed is final and skipping a stage is refused', () => {
    expect(STAGE_TRANSITIONS.closed).toEqual([]);
    expect(checkStageTransition('intake', 'action_plan', 'supervisor')).toBe('transition_not_allowed');
    expect(checkStageTransition('follow_up', 'assessment', 'supervisor')).toBe('transition_not_allowed');
    expect(checkStageTransition('assessment', 'intake', 'supervisor')).toBe('transition_not_allowed');
  });
});
