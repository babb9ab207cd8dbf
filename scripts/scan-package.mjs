// Lints the packed tarball the way n8n's community-package scanner does: every .js and
// .json file that would be published, with the scanner's rules and inline disables
// ignored. Also checks that the tarball holds nothing but dist, README, LICENSE and
// package.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';

import { scannerConfig } from '../eslint.config.mjs';

const ALLOWED_TOP_LEVEL = new Set(['dist', 'README.md', 'LICENSE', 'package.json']);

function listFiles(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

const workDir = mkdtempSync(join(tmpdir(), 'okdokument-scan-'));
try {
	const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], {
		encoding: 'utf8',
	});
	const [{ filename }] = JSON.parse(packOutput);
	execFileSync('tar', ['xzf', join(workDir, filename), '-C', workDir]);
	const packageDir = join(workDir, 'package');

	const files = listFiles(packageDir);
	const strays = files.filter((file) => !ALLOWED_TOP_LEVEL.has(file.split('/')[0]));
	if (strays.length > 0) {
		console.error(`The tarball holds files outside dist/README/LICENSE/package.json:\n  ${strays.join('\n  ')}`);
		process.exitCode = 1;
	}
	if (!files.some((file) => file.endsWith('.node.js'))) {
		console.error('The tarball holds no built node: run `npm run build` first.');
		process.exitCode = 1;
	}

	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: scannerConfig,
	});
	const lintable = files.filter((file) => /\.(js|json)$/.test(file)).map((file) => join(packageDir, file));
	const results = await eslint.lintFiles(lintable);
	const problems = results.reduce((sum, result) => sum + result.errorCount, 0);
	if (problems > 0) {
		console.error((await eslint.loadFormatter('stylish')).format(results));
		process.exitCode = 1;
	}
	console.log(
		`${filename}: ${files.length} files, ${lintable.length} linted as n8n's scanner does, ${problems} errors` +
			(strays.length ? `, ${strays.length} files that should not ship` : ''),
	);
} finally {
	rmSync(workDir, { recursive: true, force: true });
}
