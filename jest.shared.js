// Shared by the unit and e2e configurations: one place for the path aliases and the transform.
const aliases = ['config', 'crypto', 'database', 'audit', 'auth', 'domain', 'http', 'jobs', 'html'];
const moduleNameMapper = Object.fromEntries(
  aliases.map((a) => [`^@amani/${a}(|/.*)$`, `<rootDir>/libs/${a}/src$1`]),
);
// The migration list belongs to no library: the apps (CLI) hand it to the schema owner's data source.
moduleNameMapper['^@amani/migrations$'] = '<rootDir>/migrations';
// Test fixtures (test/fixtures) for the unit specs beside the code; never in a build.
moduleNameMapper['^@amani/testing/(.*)$'] = '<rootDir>/test/fixtures/$1';
const swcConfig = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
module.exports = {
  rootDir: __dirname,
  moduleNameMapper,
  transform: {
    // JSX only in .tsx files, so `<T>x` assertions and generic arrows keep parsing in .ts files.
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        ...swcConfig,
        swcrc: false,
        jsc: {
          ...swcConfig.jsc,
          parser: { ...swcConfig.jsc.parser, tsx: true },
          transform: { ...swcConfig.jsc.transform, react: { runtime: 'automatic', importSource: 'preact' } },
        },
      },
    ],
    '^.+\\.(t|j)s$': ['@swc/jest', { ...swcConfig, swcrc: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble/hashes|@scure/base|otplib|@otplib)/)'],
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
