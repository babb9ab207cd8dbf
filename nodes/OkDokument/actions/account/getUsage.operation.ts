import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { okDokumentApiRequest } from '../../transport';

// Get Usage has no fields of its own.
export const description: INodeProperties[] = [];

/** OKdokument's counter names (after the account prefix), and the names the node outputs. */
const TOTALS: Record<string, string> = {
	usedSignatureRequests: 'usedSignatureRequests',
	availableSignatureRequests: 'availableSignatureRequests',
	storedFiles: 'storedFiles',
	downloaded: 'downloaded',
	'deleted.f': 'deletedFiles',
};

/** Monthly counter groups, keyed `<YYYY>.<M>.<account>`. */
const MONTHLY: Record<string, string> = {
	signatureRequests: 'signatureRequests',
	files: 'files',
	downloaded: 'downloaded',
	'deleted.f': 'deletedFiles',
};

const MONTH_KEY = /^(\d{4})\.(\d{1,2})\.(.+)$/;

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Counters come as strings ("12"); anything that is not a plain number stays as it is. */
function toNumber(value: IDataObject[string]): IDataObject[string] {
	return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** Splits `<account>.<counter>` on a known counter name, or undefined for an unknown one. */
function splitTotalKey(key: string): { account: string; name: string } | undefined {
	for (const [counter, name] of Object.entries(TOTALS)) {
		if (key === counter) return { account: '', name };
		if (key.endsWith(`.${counter}`)) return { account: key.slice(0, -counter.length - 1), name };
	}
	return undefined;
}

/** The account prefix, from the first counter whose name is known. */
function findAccount(actual: IDataObject, counter: IDataObject): string | undefined {
	for (const key of Object.keys(actual)) {
		const account = splitTotalKey(key)?.account;
		if (account) return account;
	}
	for (const values of Object.values(counter)) {
		if (!isObject(values)) continue;
		for (const key of Object.keys(values)) {
			const owner = MONTH_KEY.exec(key)?.[3];
			if (owner) return owner;
		}
	}
	return undefined;
}

/** GET /JSON/counter (docs 3.10), as one item of numbers with the account prefix stripped. */
export function readUsage(counter: IDataObject): IDataObject {
	const actual = isObject(counter.actual) ? counter.actual : {};
	const account = findAccount(actual, counter);

	const totals: IDataObject = {};
	for (const [key, value] of Object.entries(actual)) {
		// An unknown counter keeps its name, without the account prefix when it has it.
		const name =
			splitTotalKey(key)?.name ??
			(account && key.startsWith(`${account}.`) ? key.slice(account.length + 1) : key);
		totals[name] = toNumber(value);
	}

	const monthly: Record<string, IDataObject> = {};
	for (const [group, values] of Object.entries(counter)) {
		if (group === 'actual' || !isObject(values)) continue;
		const name = MONTHLY[group] ?? group;
		for (const [key, value] of Object.entries(values)) {
			const match = MONTH_KEY.exec(key);
			if (!match) continue;
			const period = `${match[1]}-${match[2].padStart(2, '0')}`;
			monthly[period] = { ...monthly[period], [name]: toNumber(value) };
		}
	}
	const sortedMonthly = Object.fromEntries(
		Object.keys(monthly)
			.sort()
			.map((period) => [period, monthly[period]]),
	);

	return { ...totals, account: account ?? null, monthly: sortedMonthly, raw: counter };
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const counter = await okDokumentApiRequest.call(
		this,
		{ method: 'GET', path: '/JSON/counter' },
		itemIndex,
	);
	return [{ json: readUsage(counter) }];
}
