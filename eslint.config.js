// ESLint for the whole repository (flat config, ESLint 9). `npm run lint`
// runs it together with dependency-cruiser (.dependency-cruiser.cjs, the
// issuer's floors and no cycles); a finding of either fails the command.
//
// - packages/*/src and packages/*/test: typescript-eslint's
//   recommendedTypeChecked, typed through each package's
//   tsconfig.test.json (it holds src and test; the build tsconfig holds src
//   only, so projectService would not find the tests).
// - test/ (the root end-to-end tests, which no tsconfig covers): the
//   recommended rules that need no type information.
// - bench/, examples/, scripts/ and packages/*/scripts (plain .mjs/.js):
//   ESLint's recommended rules with Node's globals.
//
// Rules of recommendedTypeChecked left off, and why:
// - no-unsafe-assignment, no-unsafe-member-access, no-unsafe-argument,
//   no-unsafe-call, no-unsafe-return: the code reads untyped data on
//   purpose at its edges (JSON.parse of request bodies, JWT payloads and
//   JWKS, pg rows, better-sqlite3 rows, `res.json()` in tests) and narrows
//   it with its own checks (e.g. verify's claims.ts, the stores' rows.ts);
//   these rules would flag each read of `any` before the check, without
//   finding a bug. Turning them on means typing those edges as `unknown`
//   first: a change of its own.
// - restrict-template-expressions: log lines and error messages interpolate
//   numbers, booleans and `unknown` error values by design.
// - no-floating-promises in tests only: tap's `t.test(...)` returns a
//   promise that tap itself awaits (the tap idiom is not to await it).
// - no-explicit-any in tests only (packages/*/test and test/): tests read
//   JSON replies as `Record<string, any>` to assert on them with t.match.
//   (src/ keeps it, but for Express's own signature in verify's express.ts.)
// - require-await: handlers given to Fastify, tap and the store interfaces
//   are `async` for their signature (they must return a promise) even where
//   nothing inside awaits.
// Everything else of recommendedTypeChecked is on (no-floating-promises and
// no-misused-promises in src, await-thenable, no-unused-vars, ...).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Node's globals for the plain JavaScript files (ESLint 9 has no `env`).
const nodeGlobals = Object.fromEntries([
  'process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'fetch', 'Response', 'Request', 'Headers',
  'AbortController', 'AbortSignal', 'TextEncoder', 'TextDecoder', 'setTimeout', 'clearTimeout',
  'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'structuredClone',
  'performance', 'crypto', 'globalThis', 'FormData', 'Blob', 'atob', 'btoa', 'EventTarget', 'Event',
].map((name) => [name, 'readonly']))

const unusedVars = ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }]
// A `let` read by a teardown closure before its one assignment cannot be const.
const preferConst = ['error', { ignoreReadBeforeAssign: true }]

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'bench/results/**', '**/*.d.mts', '**/*.d.ts'] },

  // Plain JavaScript: bench, examples, scripts, the configs.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    rules: { ...js.configs.recommended.rules, 'no-unused-vars': unusedVars, 'prefer-const': preferConst },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, module: 'writable', require: 'readonly' } },
  },

  // The root end-to-end tests: no tsconfig covers them, so no typed rules.
  {
    files: ['test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      'prefer-const': preferConst,
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // The packages: typed rules.
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['packages/verify/tsconfig.test.json', 'packages/issuer/tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': unusedVars,
      'prefer-const': preferConst,
      // A caught value is passed on as it came (a rethrow); literals and
      // plain objects as rejection reasons are still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: ['packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The augmentation of Express's Request must repeat Express's own
  // declaration, type parameters (unused here) and `any` included.
  {
    files: ['packages/verify/src/express.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
)
