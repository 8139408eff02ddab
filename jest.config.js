/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/packages/*/tests/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/infra/tests/**/*.test.ts'],
  moduleNameMapper: { '^@autoflow/(core|engine|aws|local|cli|api)$': '<rootDir>/packages/$1/src/index.ts' },
  testTimeout: 180000,
};
