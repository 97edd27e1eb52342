// ESLint (typescript-eslint, eslint-plugin-svelte): run by `npm run lint`, `npm test` and CI.
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'static/', 'demo/**/*.js', '*.mts'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
			'@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
			// Sanitisers and file sniffers match control characters on purpose.
			'no-control-regex': 'off',
			// geo/ types untyped libraries in one vendor.d.ts, referenced where they are read.
			'@typescript-eslint/triple-slash-reference': 'off',
			// The app is served at the root (no `paths.base`): plain links are the resolved ones.
			'svelte/no-navigation-without-resolve': 'off',
			// Maps, sets and dates built inside a derivation or handler and not mutated after: reactivity comes
			// from the $state they are derived from.
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		// Tests and benches reach into the page (window.gridatlasMap) and into raw JSON.
		files: ['tests/**', 'scripts/**', '**/*.test.ts', '**/bench.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	}
);
