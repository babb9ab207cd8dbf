// The rules n8n's community-package scanner applies (community-nodes recommended,
// no-console, and the community / credentials / nodes rule sets of
// eslint-plugin-n8n-nodes-base), plus typescript-eslint's recommended rules for our
// own sources. `npm run lint` runs it with inline disable comments ignored, as the
// scanner does.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

/** The scanner's configuration, shared with scripts/scan-package.mjs (which lints the packed tarball). */
export const scannerConfig = [
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: ['**/*.json'], languageOptions: { parser: tseslint.parser } },
	{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
];

export default [
	// What ships (and package.json) is linted; tests and dev tooling never reach n8n.
	{
		ignores: [
			'**/*',
			'!package.json',
			'!credentials/',
			'!credentials/**/*.ts',
			'!nodes/',
			'!nodes/**/',
			'!nodes/**/*.ts',
			'!nodes/**/*.json',
		],
	},
	...scannerConfig,
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
];
