// @ts-check
'use strict';

/**
 * Sections of bench/RESULTS.md that other benchmark scripts own (e.g. `npm run bench:queue`'s queue-mode load
 * figure), between `<!-- section NAME -->` and `<!-- /section NAME -->`. A script rewrites only its own section;
 * `npm run bench`, which writes the whole file, keeps the others (withKeptSections).
 */

const fs = require('node:fs');
const path = require('node:path');

/** @param {string} name */
const markers = (name) => [`<!-- section ${name} -->`, `<!-- /section ${name} -->`];

/**
 * The sections in `text`, by name, each with its markers.
 * @param {string} text
 * @returns {Map<string, string>}
 */
function sections(text) {
	/** @type {Map<string, string>} */
	const found = new Map();
	for (const match of text.matchAll(/<!-- section ([\w-]+) -->[\s\S]*?<!-- \/section \1 -->/g)) found.set(match[1], match[0]);
	return found;
}

/**
 * Puts `body` into the section `name` of `file`: in place of the old one, or at the end.
 * @param {string} file
 * @param {string} name
 * @param {string} body  markdown, without the markers
 */
function writeSection(file, name, body) {
	const [start, end] = markers(name);
	const section = `${start}\n${body.trim()}\n${end}`;
	const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const old = sections(text).get(name);
	const next = old !== undefined ? text.replace(old, () => section) : `${text.trimEnd()}\n\n${section}\n`;
	fs.writeFileSync(file, next.startsWith('\n') ? next.trimStart() : next);
}

/**
 * `markdown` (a whole new RESULTS.md) with the sections of the current `file` that it does not have, appended.
 * @param {string} file
 * @param {string} markdown
 * @returns {string}
 */
function withKeptSections(file, markdown) {
	if (!fs.existsSync(file)) return markdown;
	const own = sections(markdown);
	const kept = [...sections(fs.readFileSync(file, 'utf8')).entries()].filter(([name]) => !own.has(name)).map(([, text]) => text);
	return kept.length === 0 ? markdown : `${markdown.trimEnd()}\n\n${kept.join('\n\n')}\n`;
}

/**
 * Writes a benchmark's raw numbers to bench/out/<name>.json (not committed).
 * @param {string} name
 * @param {unknown} results
 */
function writeRawResults(name, results) {
	const dir = path.join(__dirname, '..', 'out');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

module.exports = { writeSection, withKeptSections, writeRawResults };
