// npm run scan: n8n's own community-package scanner, @n8n/scan-community-package, run offline.
// Its CLI (`npx @n8n/scan-community-package <name>`) first checks the npm provenance of a published
// version and downloads the attested source from GitHub; neither is reachable before publishing (nor
// in CI here). What it then runs is exported, and this runs it the same way: analyzePackage() over the
// source with SOURCE_FILE_PATTERNS, and over the unpacked tarball with every .js file and package.json.
// The source is this working tree (the CLI takes the attested commit's checkout, which in CI is the
// same tree). Also checks that the tarball holds nothing but dist, README, LICENSE and package.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

/** What the scanner's CLI lints in the published tarball (see analyzePackageByName in scanner.mjs). */
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
const ALLOWED_TOP_LEVEL = new Set(['dist', 'README.md', 'LICENSE', 'package.json']);

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The version of `name` that code in `fromDir` loads (Node's node_modules lookup, nearest first). */
function versionLoadedFrom(fromDir, name) {
	for (let dir = fromDir; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'node_modules', name, 'package.json');
		if (existsSync(manifest)) return readJson(manifest).version;
	}
	return 'missing';
}

function describeScanner() {
	const scannerDir = join(repoDir, 'node_modules', '@n8n', 'scan-community-package');
	const own = ['eslint', '@n8n/eslint-plugin-community-nodes', 'eslint-plugin-n8n-nodes-base'];
	const versions = own.map((name) => `${name} ${versionLoadedFrom(scannerDir, name)}`).join(', ');
	return `@n8n/scan-community-package ${readJson(join(scannerDir, 'package.json')).version} (${versions})`;
}

function listFiles(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Packs the package as `npm publish` would and unpacks it; returns the tarball's name and folder. */
function packAndUnpack(workDir) {
	// --dry-run=false: under `npm publish --dry-run` (prepublishOnly) npm passes dry-run on to us.
	const packArgs = ['pack', '--json', '--dry-run=false', '--pack-destination', workDir];
	const packOutput = execFileSync('npm', packArgs, {
		cwd: repoDir,
		encoding: 'utf8',
	});
	const [{ filename }] = JSON.parse(packOutput);
	execFileSync('tar', ['xzf', join(workDir, filename), '-C', workDir]);
	return { filename, packageDir: join(workDir, 'package') };
}

/** Problems with what the tarball holds, as sentences. */
function checkContents(files) {
	const problems = [];
	const strays = files.filter((file) => !ALLOWED_TOP_LEVEL.has(file.split('/')[0]));
	if (strays.length > 0) {
		problems.push(`files outside dist/README/LICENSE/package.json:\n  ${strays.join('\n  ')}`);
	}
	if (!files.some((file) => file.endsWith('.node.js'))) {
		problems.push('no built node in dist: run `npm run build` first');
	}
	return problems;
}

const { name, version } = readJson(join(repoDir, 'package.json'));
const label = `${name}@${version}`;
console.log(`Scanning ${label} with ${describeScanner()}`);

const workDir = mkdtempSync(join(tmpdir(), 'okdokument-scan-'));
try {
	const { filename, packageDir } = packAndUnpack(workDir);
	const files = listFiles(packageDir);
	const contentProblems = checkContents(files);

	// The scanner passes a folder where its patterns match nothing; here that would be a scan of nothing.
	const analyze = async (dir, patterns) => {
		const result = await analyzePackage(dir, patterns);
		return result.message === 'No files found to analyze' ? { ...result, passed: false } : result;
	};
	const sourceResult = await analyze(repoDir, SOURCE_FILE_PATTERNS);
	const tarballResult = await analyze(packageDir, TARBALL_FILE_PATTERNS);
	const legs = [
		['source', SOURCE_FILE_PATTERNS, sourceResult],
		[filename, TARBALL_FILE_PATTERNS, tarballResult],
	];
	for (const [what, patterns, result] of legs) {
		console.log(`${result.passed ? '✅' : '❌'} ${what} (${patterns.join(', ')}): ${result.message ?? 'passed'}`);
		if (result.details) console.log(result.details);
	}
	for (const problem of contentProblems) console.log(`❌ ${filename} holds ${problem}`);

	if (sourceResult.passed && tarballResult.passed && contentProblems.length === 0) {
		console.log(`✅ Package ${label} has passed all security checks (${files.length} files in the tarball)`);
	} else {
		console.log(`❌ Package ${label} has failed security checks`);
		process.exitCode = 1;
	}
} finally {
	rmSync(workDir, { recursive: true, force: true });
}
