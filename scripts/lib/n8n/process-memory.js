// @ts-check
'use strict';

/**
 * How much memory a program uses, from Linux's /proc: the process and every process it started, and they started
 * (n8n and its task runner, PostgreSQL's server and its backends: those put themselves in sessions of their own, so
 * the tree is found by parent, not by process group), each with its resident set now (VmRSS), its peak resident set
 * (VmHWM, kept by the kernel) and its proportional share (Pss: shared pages divided among the processes that share
 * them, so that the tree's Pss adds up without counting shared memory twice).
 */

const fs = require('node:fs');

/**
 * @typedef {object} ProcessMemory
 * @property {number} pid
 * @property {string} command   its name (/proc/<pid>/comm)
 * @property {number} rssKiB
 * @property {number} hwmKiB    peak resident set since it started
 * @property {number} pssKiB
 */

/**
 * @param {string} file
 * @returns {string | undefined}
 */
function readProc(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return undefined; // gone meanwhile, or not ours to read
	}
}

/**
 * @param {string} text  /proc/<pid>/status or smaps_rollup
 * @param {string} field e.g. "VmHWM"
 */
function kib(text, field) {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
	return match ? Number(match[1]) : 0;
}

/**
 * `pid` and all its descendants, with their memory (`pid` first).
 * @param {number} pid
 * @returns {ProcessMemory[]}
 */
function treeMemory(pid) {
	/** @type {Map<number, number[]>} */
	const children = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readProc(`/proc/${entry}/stat`);
		// "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
		const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		if (!children.has(ppid)) children.set(ppid, []);
		children.get(ppid)?.push(Number(entry));
	}
	/** @type {ProcessMemory[]} */
	const found = [];
	const visit = (/** @type {number} */ id) => {
		const status = readProc(`/proc/${id}/status`);
		if (status === undefined) return;
		found.push({
			pid: id,
			command: (readProc(`/proc/${id}/comm`) ?? '').trim(),
			rssKiB: kib(status, 'VmRSS'),
			hwmKiB: kib(status, 'VmHWM'),
			pssKiB: kib(readProc(`/proc/${id}/smaps_rollup`) ?? '', 'Pss'),
		});
		for (const child of children.get(id) ?? []) visit(child);
	};
	visit(pid);
	return found;
}

module.exports = { treeMemory };
