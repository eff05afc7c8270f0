// Resilience tier: each suite runs its own PostgreSQL cluster and redis-server and spawns the
// built API and worker as child processes, then kills, stops and starves them. One suite at a
// time: they are CPU-heavy and time-bound.
module.exports = {
  ...require('./jest.shared'),
  displayName: 'resilience',
  testMatch: ['<rootDir>/test/resilience/**/*.resilience-spec.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
};
