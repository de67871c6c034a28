// ESLint flat config: type-aware rules catch the async mistakes (floating promises,
// promises passed where callbacks are expected) that are the main bug class in a queue server.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // bench/peers has its own package.json, installed only by `npm run bench:peers`: a fresh clone has
  // no types for its libraries there (it type-checks with bench/peers/tsconfig.json once installed).
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'sample/**',
      'data/**',
      '**/*.js',
      'bench/peers/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'describe', 'it', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // With noUncheckedIndexedAccess every `!` on an index means something; any other that changes
      // nothing is noise that hides the ones that matter.
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
);
