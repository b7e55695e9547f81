// ESLint flat config. Prettier owns formatting (.prettierrc.json), so no stylistic rules here.
// TypeScript is linted with type information (typescript-eslint's project service: each file is
// checked with the nearest tsconfig.json); the plain-JS entry points (tools/*.mjs, bin/*.mjs,
// workers) are linted without it.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node.js globals used by the .mjs/.js files (the `globals` package is not a dependency). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** Unused names are errors, except those deliberately marked with a leading underscore. */
const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/coverage/',
    '.nx/',
    // Run outputs and the local data set at the repository root (packages/data is source).
    'runs/',
    'data/',
    // Local GPU/tooling downloads (see .gitignore).
    '.device/',
    '.whl/',
    '.gl/',
    // A template of a project OUTSIDE the workspace: tools/consumer-check.mjs copies it, installs
    // the packed packages into it and type-checks it there with its own tsconfig.json.
    'test/consumer/app/',
  ]),
  {
    // `pnpm lint` must fail on any finding: no rule here is a warning, and a stale
    // eslint-disable comment is an error too (ESLint's default would only warn).
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {
          // The vitest.config.ts files sit outside every tsconfig.json's `include`; they get the
          // project service's default project (the repository's compiler options).
          allowDefaultProject: ['vitest.config.ts', 'packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
          defaultProject: 'tsconfig.base.json',
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': unusedVars,
      // tfjs ops are generic in their rank (`tf.reshape<R>`, `tf.sum<T>`), and the idiom
      // `tf.reshape(x, [n, h, w, c]) as tf.Tensor4D` lets TypeScript infer it from the assertion;
      // the rule would have every such line rewritten as `tf.reshape<tf.Rank.R4>(…)`, which is
      // no safer. Assertions to other types are still checked (and auto-fixed).
      '@typescript-eslint/no-unnecessary-type-assertion': [
        'error',
        { typesToIgnore: ['tf.Scalar', 'tf.Tensor', 'tf.Tensor1D', 'tf.Tensor2D', 'tf.Tensor3D', 'tf.Tensor4D'] },
      ],
    },
  },
  {
    // Tests, benchmarks and examples read JSON (fixtures, oracle data, child-process output,
    // result files) into untyped values, build deliberately malformed inputs with `any` to drive
    // the validators, and use vitest's asymmetric matchers (typed `any`). Typing all of that
    // would rewrite sound test code for no safety gain, so the `any` rules apply to src/ only.
    files: ['**/test/**/*.ts', '**/bench/**/*.ts', '**/examples/**/*.ts', '**/vitest.config.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes of async interfaces (runners, tasks, hooks) often have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: nodeGlobals,
    },
    rules: {
      'no-unused-vars': unusedVars,
    },
  },
);
