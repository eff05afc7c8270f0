// Unit tier: no services, beside the code.
module.exports = {
  ...require('./jest.shared'),
  displayName: 'unit',
  testMatch: ['<rootDir>/apps/**/*.spec.ts?(x)', '<rootDir>/libs/**/*.spec.ts?(x)'],
};
