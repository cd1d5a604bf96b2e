// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const testFiles = ['test/**/*.ts', '**/*.spec.ts'];

/**
 * The business modules, each allowed to import only those before it, so that no two import each other:
 * signing and auth first, verification and operations last (licenses includes its domains/ folder). The business
 * calendar comes after history (its changes name their actor) and before licenses (issuance counts workdays).
 */
const MODULE_ORDER = [
  'signing',
  'auth',
  'catalog',
  'webhooks',
  'history',
  'calendar',
  'licenses',
  'subscriptions',
  'transfer',
  'verification',
  'addon-manager',
  'operations',
];
const moduleZones = MODULE_ORDER.map((name, index) => ({
  target: `./src/modules/${name}`,
  from: MODULE_ORDER.slice(index + 1).map((later) => `./src/modules/${later}`),
  message: `${name} comes before these modules in MODULE_ORDER (eslint.config.mjs): move what both need down.`,
})).filter((zone) => zone.from.length > 0);

export default tseslint.config(
  {
    ignores: ['dist/', 'node_modules/', 'var/', 'coverage/', 'test-artifacts/', 'openapi/'],
  },

  eslint.configs.recommended,

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Each module adds its error codes to common's ErrorStatuses by `interface ErrorStatuses extends …`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },

  // Conventions: time comes from a Clock, never from the real clock, in domain/application code.
  {
    files: ['src/modules/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Do not read the real clock: inject Clock (src/common/clock/clock.ts) and use clock.now().',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Do not read the real clock: inject Clock (src/common/clock/clock.ts) and use clock.now().',
        },
      ],
    },
  },

  // The house's walls: common/ and config/ serve every module and import none; modules import in one direction.
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...['./src/common', './src/config'].map((target) => ({
              target,
              from: './src/modules',
              message: 'common/ and config/ import no module: let the module depend on them instead.',
            })),
            ...moduleZones,
          ],
        },
      ],
    },
  },

  // Tests: supertest bodies and jest mocks are loosely typed; keep promise rules on.
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },

  // CommonJS config files run by Node directly.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },

  prettier,
);
