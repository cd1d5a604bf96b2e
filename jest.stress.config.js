// The stress suite (`npm run test:stress`): minutes-long runs against real PostgreSQL and the built service,
// kept out of `npm test` so the everyday suite stays quick. `.ci/run` runs both.
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/stress/**/*.stress-spec.ts'],
  testTimeout: 600000,
};
