// Files named zz-*.e2e-spec.ts run last: they inspect what the whole run left behind
// (database dump, Redis, captured logs).
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('path');

class LastChecksSequencer extends Sequencer {
  sort(tests) {
    const isLast = (t) => basename(t.path).startsWith('zz-');
    const sorted = [...tests].sort((a, b) => a.path.localeCompare(b.path));
    return [...sorted.filter((t) => !isLast(t)), ...sorted.filter(isLast)];
  }
}
module.exports = LastChecksSequencer;
