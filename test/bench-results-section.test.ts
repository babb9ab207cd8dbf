import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { withKeptSections, writeSection } from '../bench/lib/results-section';

// bench/RESULTS.md is written whole by `npm run bench` and in part by `npm run bench:queue`: neither may lose the
// other's figures.
describe('bench/RESULTS.md sections', () => {
	let dir: string;
	let file: string;
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'results-section-'));
		file = join(dir, 'RESULTS.md');
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('writeSection appends a new section after what is there, then replaces only it', () => {
		writeFileSync(file, '# Benchmark results\n\nthroughput table\n');
		writeSection(file, 'queue-load', '## Queue mode\n\nfirst run: 10.4 s');
		expect(readFileSync(file, 'utf8')).toBe('# Benchmark results\n\nthroughput table\n\n<!-- section queue-load -->\n## Queue mode\n\nfirst run: 10.4 s\n<!-- /section queue-load -->\n');

		writeSection(file, 'queue-load', '## Queue mode\n\nsecond run: $& 9.8 s');
		expect(readFileSync(file, 'utf8')).toBe('# Benchmark results\n\nthroughput table\n\n<!-- section queue-load -->\n## Queue mode\n\nsecond run: $& 9.8 s\n<!-- /section queue-load -->\n');
	});

	it('writeSection creates the file when there is none', () => {
		writeSection(file, 'queue-load', 'figures');
		expect(readFileSync(file, 'utf8')).toBe('<!-- section queue-load -->\nfigures\n<!-- /section queue-load -->\n');
	});

	it('withKeptSections keeps the sections a rewrite of the whole file does not have, and only those', () => {
		writeFileSync(file, '# Old results\n\n<!-- section queue-load -->\nqueue figures\n<!-- /section queue-load -->\n\n<!-- section other -->\nold other\n<!-- /section other -->\n');
		const rewritten = withKeptSections(file, '# New results\n\n<!-- section other -->\nnew other\n<!-- /section other -->\n');
		expect(rewritten).toBe('# New results\n\n<!-- section other -->\nnew other\n<!-- /section other -->\n\n<!-- section queue-load -->\nqueue figures\n<!-- /section queue-load -->\n');
		expect(withKeptSections(join(dir, 'missing.md'), '# New\n')).toBe('# New\n');
	});
});
