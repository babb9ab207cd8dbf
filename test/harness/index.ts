/**
 * In-process n8n test engine: runs a node through n8n-core's real `WorkflowExecute`, with real HTTP.
 *
 * ```ts
 * import { runNode, shutdownEngine, testCredential } from './harness';
 *
 * afterAll(shutdownEngine); // stops n8n-core's background interval and deletes the temp folder
 *
 * const result = await runNode({
 *   nodeTypes: [MyNode],             // classes or instances; type names with a package prefix also resolve
 *   credentialTypes: [MyCredential], // for `authenticate`, property defaults, `test`
 *   node: { type: 'myNode', parameters: { ... }, onError: 'continueErrorOutput' }, // any INode field
 *   credentials: { myApi: { apiKey: 'k', baseUrl: 'http://127.0.0.1:1234' } },    // by credential type
 *   items: [{ json: { a: 1 } }],     // what the node under test receives
 * });
 * result.outputs            // INodeExecutionData[][]: [main] or [success, error]; [] if the node produced nothing
 * result.error              // the engine's recorded execution error (run.data.resultData.error) or undefined
 * result.executionErrorJson // that error as n8n stores it (JSON round trip)
 * result.taskData           // the node's ITaskData (executionStatus, error, hints, ...)
 * result.run                // the full IRun
 *
 * await resolveCredentialTestRequest(MyCredential, data) // test.request, expressions resolved
 * await testCredential(MyCredential, data)               // { status: 'OK' | 'Error', message }, as n8n's tester
 * ```
 *
 * API
 * - `runNode(options: RunNodeOptions): Promise<RunNodeResult>`
 *   Builds the workflow `Trigger` → `Items` → node under test, and runs it from the trigger with
 *   `WorkflowExecute.run` (mode `manual`, `executionOrder: 'v1'` unless given). `Items` emits
 *   `options.items` exactly (each paired with the trigger's item), so `={{ $json.x }}`,
 *   `$('Items').item`, pairedItem and error-output routing behave as in n8n. The node's `this` is the
 *   engine's `ExecuteContext`; `httpRequestWithAuthentication` goes through n8n-core's HTTP client
 *   with the credential's `authenticate` applied by `HarnessCredentialsHelper`.
 *   Node defaults: `name` = the type's `defaults.name`, `typeVersion` = latest, `credentials` =
 *   `{ [type]: { id: '1', name: type } }` for each key of `options.credentials`.
 *   Rejects (no run) when the engine refuses to start, e.g. `WorkflowHasIssuesError` for a missing
 *   required parameter, as n8n does.
 * - `resolveCredentialTestRequest(credentialType, data): Promise<HttpRequestOptions>`
 * - `testCredential(credentialType, data): Promise<INodeCredentialTestResult>`
 * - `storeBinary(content, { fileName, mimeType }): Promise<IBinaryData>`: binary for input items,
 *   stored as n8n 2.x stores it (file system). `readBinary(binaryData): Promise<Buffer>` reads any.
 * - `runListSearch(options: ListSearchOptions): Promise<INodeListSearchResult>`: a resource locator's
 *   From List (`methods.listSearch[methodName](filter, paginationToken)`) as the editor has n8n run
 *   it, on n8n-core's real `LoadOptionsContext` with real HTTP (list-search.ts).
 * - `runNode({ nodeTypes: [toolVariant(MyNode)], node: { type: 'myNodeTool', … }, toolCalls: [{ args }] })`
 *   runs the node as an AI agent's tool: n8n-core builds the tool (its schema from the node's `$fromAI()`
 *   calls) for a stand-in agent, which calls it once per entry; `outputs[0]` holds one `ToolCallOutcome`
 *   per call (`tool`, `description`, `schema`, and `result` or the `error` message the agent reads).
 * - `shutdownEngine(): Promise<void>`: call in `afterAll`.
 *
 * Engine settings (env.ts): a temp `N8N_USER_FOLDER` per test file, a fixed encryption key, binary
 * data mode `filesystem` (n8n 2.x's default; `N8N_DEFAULT_BINARY_DATA_MODE=default` keeps it
 * inline), `N8N_LOG_LEVEL=silent` (set `N8N_LOG_LEVEL=debug` to see the engine's logs).
 * The expression engine is n8n-workflow's default (legacy, no isolated-vm).
 */
import './env';

export {
	AGENT_NODE_NAME,
	ITEMS_NODE_NAME,
	runNode,
	toStoredJson,
	TRIGGER_NODE_NAME,
	type HarnessNode,
	type RunNodeOptions,
	type RunNodeResult,
} from './run-node';
export { resolveCredentialTestRequest, testCredential } from './credential-test';
export { runListSearch, type ListSearchOptions } from './list-search';
export { BASE_URL, readBinary, shutdownEngine, storeBinary } from './engine';
export {
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	type CredentialTypeInput,
} from './credentials';
export { HarnessNodeTypes, toolVariant, type NodeTypeInput, type ToolCall, type ToolCallOutcome } from './node-types';
