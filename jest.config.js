// @nestjs 12 ships ES modules only: @swc/jest compiles them (and our TypeScript) to CommonJS for Jest.
// Types are checked by `npm run lint` (tsc --noEmit), not here.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // The package a file belongs to is named after its last node_modules/; content-disposition (under @fastify/static,
  // which serves Swagger UI) is ESM-only too.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition)/)(?!.*/node_modules/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
