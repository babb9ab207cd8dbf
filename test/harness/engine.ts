/**
 * One-time engine setup (shared by every run in a test file), `additionalData`, and teardown.
 */
import './env';

import { rmSync } from 'node:fs';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	prepareBinaryData,
} from 'n8n-core';
// Not re-exported from n8n-core's index; a deep import of the compiled file (n8n-core has no `exports` map).
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	UserError,
	type IBinaryData,
	type ICredentialsHelper,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { harnessRoot } from './env';

export const BASE_URL = 'http://localhost:5678';

let engineReady: Promise<void> | undefined;

/**
 * Prepares the n8n-core services the engine reaches through the DI Container. Idempotent.
 * Binary data: in `filesystem` mode (n8n 2.x's default) the store under the temp folder is
 * initialised; in `default` mode binary data stays in the items as base64.
 */
export async function ensureEngine(): Promise<void> {
	engineReady ??= (async () => {
		if (Container.get(BinaryDataConfig).mode !== 'default') {
			await Container.get(BinaryDataService).init();
		}
	})();
	await engineReady;
}

/**
 * Stops what n8n-core leaves running, then deletes the temp folder. Call it in `afterAll`.
 * Every node execution context asks the Container for the SSHClientsManager singleton, whose
 * constructor starts a 60 s cleanup interval and adds a process `exit` listener.
 */
export async function shutdownEngine(): Promise<void> {
	Container.get(SSHClientsManager).onShutdown();
	engineReady = undefined;
	rmSync(harnessRoot, { recursive: true, force: true });
}

/** The bytes of a binary property, wherever n8n stored them (file system or inline base64). */
export async function readBinary(binaryData: IBinaryData): Promise<Buffer> {
	await ensureEngine();
	return await Container.get(BinaryDataService).getAsBuffer(binaryData);
}

/**
 * Stores content as an upstream node would (`prepareBinaryData`, so file system storage in
 * `filesystem` mode) and returns the `IBinaryData` to put in an input item's `binary`.
 * Give `mimeType`: without it n8n-core sniffs the type with a dynamic `import('file-type')`,
 * which fails under jest (no ESM dynamic import in its VM) although it works in n8n.
 */
export async function storeBinary(
	content: Buffer | string,
	options: { fileName: string; mimeType: string },
): Promise<IBinaryData> {
	await ensureEngine();
	const buffer = typeof content === 'string' ? Buffer.from(content) : content;
	return await prepareBinaryData(
		buffer,
		'harness-input',
		'harnessWorkflow',
		options.fileName,
		options.mimeType,
	);
}

/**
 * `IWorkflowExecuteAdditionalData` as the engine expects it from n8n's cli, with the parts a
 * single-node test does not use (sub-workflows, task runners, AI events) refusing loudly.
 */
export function buildAdditionalData(options: {
	credentialsHelper: ICredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	workflowId?: string;
	variables?: Record<string, string>;
	/** Where n8n is reachable, for the URLs nodes build (webhook, resume); default BASE_URL. */
	baseUrl?: string;
}): IWorkflowExecuteAdditionalData {
	const base = options.baseUrl ?? BASE_URL;
	const unsupported = (what: string) => async (): Promise<never> => {
		throw new UserError(`Harness: ${what} is not supported in the in-process test engine`);
	};
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		currentNodeExecutionIndex: 0,
		variables: options.variables ?? {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		executeWorkflow: unsupported('executeWorkflow (sub-workflows)'),
		startRunnerTask: unsupported('startRunnerTask (Code node task runners)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
	};
}
