#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * npm run test:fuzz: the generated (property-based) suites of test/fuzz/ for a longer hunt than `npm test` runs
 * them: 20 times the size, with a random seed, printed first with the command that runs the same hunt again.
 *
 *   npm run test:fuzz                         FUZZ_SCALE=20, a random FUZZ_SEED
 *   FUZZ_SEED=123 npm run test:fuzz           that seed again
 *   FUZZ_SCALE=5 npm run test:fuzz            a shorter hunt
 *   npm run test:fuzz -- -t "Signer Email"    jest's options after --
 *
 * Sizes are in test/fuzz/budget.ts. CI does not run this; `npm test` runs the same suites at FUZZ_SCALE=1 with a
 * fixed seed.
 */

const path = require('node:path');
const { randomInt } = require('node:crypto');
const { spawn } = require('node:child_process');

const scale = process.env.FUZZ_SCALE ?? '20';
const seed = process.env.FUZZ_SEED ?? String(randomInt(1, 2 ** 31 - 1));
const args = process.argv.slice(2);
/** An argument as a shell needs it to stay one. */
const quoted = (arg) => (/^[\w./=:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

process.stdout.write(
	`fuzz: FUZZ_SCALE=${scale} FUZZ_SEED=${seed}\n` +
		`fuzz: to run this hunt again: FUZZ_SCALE=${scale} FUZZ_SEED=${seed} npx jest test/fuzz${args.map((arg) => ` ${quoted(arg)}`).join('')}\n`,
);

const jest = require.resolve('jest/bin/jest');
const child = spawn(process.execPath, [jest, 'test/fuzz', ...args], {
	cwd: path.join(__dirname, '..'),
	env: { ...process.env, FUZZ_SCALE: scale, FUZZ_SEED: seed },
	stdio: 'inherit',
});
// Ctrl-C reaches jest through the terminal; its exit code is ours.
child.on('exit', (code, signal) => {
	process.stdout.write(`fuzz: FUZZ_SCALE=${scale} FUZZ_SEED=${seed} ${code === 0 ? 'passed' : 'FAILED'}\n`);
	process.exit(code ?? (signal ? 1 : 0));
});
