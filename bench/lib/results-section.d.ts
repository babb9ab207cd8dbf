// Types for bench/lib/results-section.js (plain CommonJS), for the test that uses it.

/** Puts `body` into the section `name` of `file`: in place of the old one, or at the end. */
export declare function writeSection(file: string, name: string, body: string): void;

/** `markdown` (a whole new RESULTS.md) with the sections of the current `file` that it does not have, appended. */
export declare function withKeptSections(file: string, markdown: string): string;

/** Writes a benchmark's raw numbers to bench/out/<name>.json (not committed). */
export declare function writeRawResults(name: string, results: unknown): void;
