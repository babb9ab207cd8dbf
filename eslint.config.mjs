// One lint for the whole repository, run by `npm run lint` with inline disable comments ignored.
// - What ships (nodes/, credentials/) and package.json: n8n's own configuration, `config` from
//   @n8n/node-cli/eslint (the one `n8n-node cloud-support enable` writes), its rules unchanged, only
//   kept off the development folders. (`n8n-node cloud-support` compares this file's text with its
//   two-line default, so it calls this a custom configuration.)
// - Everything that never reaches n8n (tests, scripts, the sandbox, the benchmark, root tooling):
//   the project's rules, ESLint's and typescript-eslint's recommended sets with Node's globals.
// The published tarball is checked separately by n8n's own scanner (`npm run scan`).
import js from '@eslint/js';
import { config as n8nConfig } from '@n8n/node-cli/eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const DEVELOPMENT_CODE = ['test/**', 'scripts/**', 'sandbox/**', 'bench/**'];
const SHIPPED_CODE = ['nodes/**', 'credentials/**'];

const isGlobalIgnore = (entry) => Object.keys(entry).every((key) => key === 'ignores' || key === 'name');

/** n8n's configuration targets every `**\/*.ts`; keep it off development code, which may use Node freely. */
const n8nForShippedCode = n8nConfig.map((entry) =>
	isGlobalIgnore(entry) ? entry : { ...entry, ignores: [...(entry.ignores ?? []), ...DEVELOPMENT_CODE] },
);

const forDevelopmentCode = (entry, files) => ({ ...entry, files, ignores: SHIPPED_CODE });

export default [
	{ ignores: ['dist/', 'coverage/', '.cache/', '.e2e/', 'bench/out/', 'test-results/'] },
	...n8nForShippedCode,
	forDevelopmentCode(js.configs.recommended, ['**/*.{js,mjs,ts}']),
	forDevelopmentCode({ languageOptions: { sourceType: 'commonjs', globals: globals.node } }, ['**/*.js']),
	forDevelopmentCode({ languageOptions: { sourceType: 'module', globals: globals.node } }, ['**/*.mjs']),
	// The editor checks hand functions to page.evaluate(), which runs them in the browser.
	forDevelopmentCode({ languageOptions: { globals: globals.browser } }, ['test/e2e/editor.js']),
	...tseslint.configs.recommended.map((entry) => forDevelopmentCode(entry, ['**/*.ts'])),
	// Unused parameters are marked with a leading underscore, as tsconfig's noUnusedParameters allows.
	forDevelopmentCode(
		{ rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] } },
		['**/*.ts'],
	),
];
