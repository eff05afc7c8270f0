// Type-aware lint; the rules that catch real bugs in async Nest code are errors.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---- Import structure (issue 11): who may import whom --------------------------------------
// Libraries, lowest first; each may import only the libraries listed for it (never one above it).
const LIBRARY_DEPENDENCIES = {
  config: [],
  html: [],
  crypto: ['config'],
  database: ['config'],
  http: ['config', 'jobs'],
  jobs: ['config', 'database'],
  audit: ['config', 'crypto', 'database', 'http', 'jobs'],
  auth: ['config', 'crypto', 'database', 'http', 'jobs', 'audit'],
  domain: ['config', 'crypto', 'database', 'http', 'jobs', 'audit', 'auth'],
};
const LIBRARIES = Object.keys(LIBRARY_DEPENDENCIES);
const leavingRelative = [
  {
    regex: '^(\\.\\./)+(libs|apps|migrations|test|bench)(/|$)|^(\\.\\./)+[a-z-]+/src(/|$)|^(\\.\\./){3,}',
    message: 'A relative import may not leave its library or app: import another library by its @amani/* alias; libraries never import apps, and apps never import each other.',
  },
];
const deepAlias = [
  {
    regex: '^@amani/(?!domain/|testing/|migrations$)[a-z]+/.+',
    message: "Import a library through its barrel (@amani/x), not its files: the barrel is the library's public face.",
  },
  {
    regex: '^@amani/domain/[a-z-]+/(?!worker$).+',
    message: "Import a domain context through its barrel (@amani/domain/<context>) or its worker face (@amani/domain/<context>/worker), not its internal files.",
  },
];
const notForLibraries = [
  { regex: '^@amani/(migrations|testing)(/|$)', message: 'Migrations belong to the apps (the CLI hands them to the schema owner); test fixtures to the tests.' },
];
const upwards = (lib) => {
  const forbidden = LIBRARIES.filter((l) => l !== lib && !LIBRARY_DEPENDENCIES[lib].includes(l));
  return forbidden.length
    ? [{ regex: `^@amani/(${forbidden.join('|')})(/|$)`, message: `libs/${lib} may import only ${LIBRARY_DEPENDENCIES[lib].map((l) => '@amani/' + l).join(', ') || 'no other library'}: a library never imports one above it.` }]
    : [];
};
// Inside libs/domain, a context reaches a sibling context only through that context's barrel.
const siblingContext = [
  { regex: '^\\.\\./[^.]', message: 'Import another domain context through @amani/domain/<context>, not its files.' },
];
// The HTTP edge stays thin: a controller never imports another controller (only modules list them).
const noControllerImports = [
  { regex: '\\.controller$', message: 'A controller never imports another controller: move what they share into a DTO, decorator or helper file.' },
];
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: patterns.flat() }] });
const importStructure = [
  { files: ['apps/**/*.ts', 'apps/**/*.tsx'], rules: restrictImports(leavingRelative, deepAlias, noControllerImports) },
  { files: ['apps/**/*.module.ts'], rules: restrictImports(leavingRelative, deepAlias) },
  ...LIBRARIES.map((lib) => ({
    files: [`libs/${lib}/**/*.ts`, `libs/${lib}/**/*.tsx`],
    rules: restrictImports(leavingRelative, deepAlias, notForLibraries, upwards(lib)),
  })),
  { files: ['libs/domain/src/*/**/*.ts', 'libs/domain/src/*/**/*.tsx'], rules: restrictImports(leavingRelative, deepAlias, notForLibraries, upwards('domain'), siblingContext) },
  // Unit specs beside the code may use the test fixtures and read the file they test; they still may not climb out.
  { files: ['libs/**/*.spec.ts', 'libs/**/*.spec.tsx', 'apps/**/*.spec.ts', 'apps/**/*.spec.tsx'], rules: restrictImports(leavingRelative) },
  // A context's unit-test doubles (fake repositories, key fixtures) in its testing/ folder: spec support, same rule as the specs.
  { files: ['libs/**/testing/**/*.ts'], rules: restrictImports(leavingRelative) },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      // HTML comes from JSX, escaped by the renderer; the one raw sink is libs/html's InlineStyle.
      'no-restricted-syntax': ['error', { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render text through JSX; raw HTML is not allowed.' }],
    },
  },
  ...importStructure,
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-console': 'off' },
  },
);
