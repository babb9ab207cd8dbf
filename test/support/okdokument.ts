/**
 * Runs the OKdokument node in n8n's real engine against a real sandbox.
 * Import this before anything from n8n-core (the harness sets the engine's environment).
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { OkDokumentApi } from '../../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../../nodes/OkDokument/OkDokument.node';
import { DIALECTS, startSandbox, type Dialect, type Sandbox, type SandboxOptions } from '../../sandbox/server';
import { runNode, shutdownEngine, type HarnessNode, type RunNodeResult } from '../harness';

/** Distinctive, so a scan for it cannot match anything by chance. */
export const API_KEY = '7c3e9a1f4_b85d2e6f0a4c1b9d7e3f5a2c8b6d4e0f';
export const FORBIDDEN_KEY = '2d8f6b4a0_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
export const KNOWN_ID = '6f0c2a9e-1b7d-4c1a-9f57-2d8e4b1c3a55';
export const OTHER_ID = 'sr-known-2';

export async function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	return await startSandbox({
		apiKeys: { [API_KEY]: { permitted: true }, [FORBIDDEN_KEY]: { permitted: false } },
		signatureRequests: [{ signatureRequestId: KNOWN_ID }, { signatureRequestId: OTHER_ID }],
		...options,
	});
}

/**
 * A sandbox for one test file: started before its tests, reset after each, stopped (with
 * the engine) at the end. The returned object stands for the started sandbox.
 */
export function useSandbox(options: SandboxOptions = {}): Sandbox {
	let started: Sandbox | undefined;
	beforeAll(async () => {
		started = await startTestSandbox(options);
	});
	afterEach(() => started?.reset());
	afterAll(async () => {
		await started?.stop();
		await shutdownEngine();
	});
	return new Proxy({} as Sandbox, {
		get(_target, property) {
			if (!started) throw new Error('The sandbox is used before beforeAll started it');
			const value: unknown = Reflect.get(started, property, started);
			return typeof value === 'function' ? value.bind(started) : value;
		},
	});
}

/**
 * Declares `block` once per documented dialect (the wiki's, the connector's: see sandbox/README.md);
 * before each of its tests the sandbox speaks that dialect (reset() after each returns to the wiki).
 */
export function eachDialect(sandbox: Sandbox, name: string, block: (dialect: Dialect) => void): void {
	describe.each([...DIALECTS])(`${name} (%s dialect)`, (dialect) => {
		beforeEach(() => sandbox.setDialect(dialect));
		block(dialect);
	});
}

export { useOtherHost, type OtherHost } from './other-host';

/**
 * OKdokument waits this long for the answer to its callback (sandbox.setCallbackTimeout), and the
 * signed PDF takes longer to download: a node that downloaded before it answered would fail the
 * callback. The timeout leaves room for the node's check on a busy machine.
 */
export const SLOW_DOWNLOAD = { callbackTimeoutMs: 2_500, downloadDelayMs: 3_000 };

/** Makes OKdokument as impatient, and the download of `documentId` as slow, as SLOW_DOWNLOAD says. */
export function slowDownload(sandbox: Sandbox, documentId: string): void {
	sandbox.setCallbackTimeout(SLOW_DOWNLOAD.callbackTimeoutMs);
	sandbox.setFault({ type: 'delay', ms: SLOW_DOWNLOAD.downloadDelayMs, path: `/JSON/document/${encodeURIComponent(documentId)}` });
}

export function sandboxCredential(
	sandbox: Sandbox,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return { apiKey: API_KEY, environment: 'custom', baseUrl: sandbox.url, ...overrides };
}

export interface RunOperationOptions {
	credential: ICredentialDataDecryptedObject;
	resource: string;
	operation: string;
	parameters?: INodeParameters;
	/** Input items: plain JSON, or whole items (e.g. with binary from storeBinary). */
	items?: Array<IDataObject | INodeExecutionData>;
	onError?: HarnessNode['onError'];
}

function isExecutionData(item: IDataObject | INodeExecutionData): item is INodeExecutionData {
	return typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json);
}

/** Runs one operation of the OKdokument node in the real engine. */
export async function runOperation(options: RunOperationOptions): Promise<RunNodeResult> {
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((item) =>
		isExecutionData(item) ? item : { json: item },
	);
	return await runNode({
		nodeTypes: [OkDokument],
		credentialTypes: [OkDokumentApi],
		node: {
			type: 'okDokument',
			parameters: { resource: options.resource, operation: options.operation, ...options.parameters },
			...(options.onError ? { onError: options.onError } : {}),
		},
		credentials: { okDokumentApi: options.credential },
		items,
	});
}

export interface RunUpdateOptions {
	credential: ICredentialDataDecryptedObject;
	parameters: INodeParameters;
	items?: IDataObject[];
	onError?: HarnessNode['onError'];
}

export async function runUpdate(options: RunUpdateOptions): Promise<RunNodeResult> {
	return await runOperation({ ...options, resource: 'signatureRequest', operation: 'update' });
}

/** The JSON of every item on one output. */
export function jsonOf(result: RunNodeResult, output = 0): IDataObject[] {
	return (result.outputs[output] ?? []).map((item) => item.json);
}

/** The pairedItem of every item on one output. */
export function pairedOf(result: RunNodeResult, output = 0): unknown[] {
	return (result.outputs[output] ?? []).map((item) => item.pairedItem);
}
