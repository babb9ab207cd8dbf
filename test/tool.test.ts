import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INode, INodeParameters, INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { runNode, toolVariant, type ToolCall } from './harness';
import { API_KEY, sandboxCredential, useSandbox } from './support/okdokument';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

const sandbox = useSandbox();

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n');
const NOT_FOUND_HINT =
	'The document does not exist or was deleted (OKdokument deletes signed documents 10 days after signing, unsigned after 30 days). Check the Document ID and the environment in the credential.';

const WORKFLOW_NODE = new OkDokument().description;
const TOOL = toolVariant(OkDokument).description;

/**
 * The parameters n8n keeps for a node of this type, defaults filled in, hidden ones dropped: what the
 * editor shows, what a saved workflow reads, and what the engine runs with (NodeHelpers.getNodeParameters,
 * as n8n's Workflow calls it).
 */
function shown(description: INodeTypeDescription, parameters: INodeParameters): INodeParameters {
	const node = { name: 'OKdokument', type: description.name, typeVersion: 1, parameters } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) ?? {};
}

/** The options of the Operation list that `description` shows for `resource`. */
function operationsOf(description: INodeTypeDescription, resource: string): string[] {
	const isTool = description.name.endsWith('Tool');
	const property = description.properties.find(
		(p: INodeProperties) =>
			p.name === 'operation' &&
			p.displayOptions?.show?.resource?.includes(resource) &&
			(p.displayOptions?.show?.['@tool'] ?? [isTool]).includes(isTool),
	);
	return (property?.options ?? []).map((option) => String((option as { value: string }).value));
}

function fromAI(key: string, description: string, type = 'string'): string {
	return `={{ $fromAI('${key}', '${description}', '${type}') }}`;
}

async function runTool(parameters: INodeParameters, calls: IDataObject[]) {
	const result = await runNode({
		nodeTypes: [toolVariant(OkDokument)],
		credentialTypes: [OkDokumentApi],
		node: { type: 'okDokumentTool', name: 'OKdokument Tool', parameters },
		credentials: { okDokumentApi: sandboxCredential(sandbox) },
		toolCalls: calls.map((args): ToolCall => ({ args })),
	});
	expect(result.error).toBeUndefined();
	return (result.outputs[0] ?? []).map((item) => item.json);
}

describe('OKdokument Tool: what the tool offers (the description its schema is built from)', () => {
	it('offers every operation but those a model cannot supply: no Upload, neither operation that waits', () => {
		expect(operationsOf(TOOL, 'document')).toEqual(['delete', 'download', 'get', 'getAll']);
		expect(operationsOf(TOOL, 'signatureRequest')).toEqual(['create', 'delete', 'update']);
		expect(operationsOf(TOOL, 'account')).toEqual(['getUsage']);
		expect(operationsOf(WORKFLOW_NODE, 'document')).toEqual(['delete', 'download', 'get', 'getAll', 'upload']);
		expect(operationsOf(WORKFLOW_NODE, 'signatureRequest')).toEqual(['create', 'delete', 'sendAndWait', 'update', 'waitForSignature']);
	});

	it('Document: the tool starts on Get; the workflow node still on Upload (saved workflows rely on it)', () => {
		expect(shown(TOOL, { resource: 'document' }).operation).toBe('get');
		expect(shown(WORKFLOW_NODE, { resource: 'document' })).toMatchObject({ operation: 'upload', binaryPropertyName: 'data' });
	});

	it('Create: the tool asks for an existing document only, with no binary field; the workflow node is unchanged', () => {
		const create = { resource: 'signatureRequest', operation: 'create' };
		const inTool = shown(TOOL, create);
		expect(inTool).toMatchObject({ source: 'existingDocument', documentId: { __rl: true, mode: 'list', value: '' } });
		expect(inTool).not.toHaveProperty('binaryPropertyName');
		const sourceInTool = TOOL.properties.filter(
			(p) => p.name === 'source' && p.displayOptions?.show?.['@tool']?.includes(true) && p.displayOptions?.show?.operation?.includes('create'),
		);
		expect(sourceInTool.flatMap((p) => (p.options ?? []).map((o) => (o as { value: string }).value))).toEqual(['existingDocument']);

		expect(shown(WORKFLOW_NODE, create)).toMatchObject({ source: 'newDocument', binaryPropertyName: 'data' });
		expect(shown(WORKFLOW_NODE, { ...create, source: 'existingDocument', documentId: 'doc-1' })).toMatchObject({
			source: 'existingDocument',
			documentId: 'doc-1',
		});
	});

	it('Download: the tool asks for no output field and no file name, and says the file does not come along', () => {
		const download = { resource: 'document', operation: 'download' };
		expect(Object.keys(shown(TOOL, download)).sort()).toEqual(['documentId', 'downloadToolNotice', 'operation', 'options', 'resource']);
		expect(shown(WORKFLOW_NODE, download)).toMatchObject({ binaryPropertyName: 'data', fileName: '' });
		expect(shown(WORKFLOW_NODE, download)).not.toHaveProperty('downloadToolNotice');
	});
});

describe('OKdokument Tool: called as an AI agent or MCP client calls it (n8n-core builds the tool)', () => {
	it('Document → Get: asks the model for the document ID only, and answers with the document’s metadata', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, state: 'signed' });
		const [outcome] = await runTool(
			{ resource: 'document', operation: 'get', documentId: fromAI('documentId', 'The OKdokument document ID') },
			[{ documentId: document.id }],
		);

		expect(outcome.tool).toBe('OKdokument_Tool');
		expect(outcome.description).toBe('Get a document in OKdokument');
		expect(outcome.schema).toEqual({ documentId: { type: 'ZodString', description: 'The OKdokument document ID' } });
		expect(outcome.error).toBeUndefined();
		expect(outcome.result).toEqual([
			{
				filename: 'offer.pdf',
				state: 'signed',
				modification: document.modification,
				id: document.id,
				date: document.date,
				number: document.number,
			},
		]);
		expect(sandbox.requests.map((r) => [r.method, r.path, r.headers['x-api-key']])).toEqual([
			['GET', `/JSON/document/metadata/${document.id}`, API_KEY],
		]);
		expect(JSON.stringify(outcome)).not.toContain(API_KEY);
	});

	it('Document → Get with an unknown ID: the error the model reads is OKdokument’s, with the hint, and no key', async () => {
		const [outcome] = await runTool(
			{ resource: 'document', operation: 'get', documentId: fromAI('documentId', 'The OKdokument document ID') },
			[{ documentId: 'doc-nobody-knows' }],
		);

		// n8n hands the agent the message and, after "Details:", the description.
		expect(outcome).toMatchObject({
			error: `OKdokument could not find what was asked for (HTTP 404: err.not.found)\n\nDetails: ${NOT_FOUND_HINT}`,
		});
		expect(outcome).not.toHaveProperty('result');
	});

	it('the reason is in the error’s message itself, as n8n 2.41’s queue mode runs a tool (the node alone) and passes on only the message', async () => {
		const result = await runNode({
			nodeTypes: [toolVariant(OkDokument)],
			credentialTypes: [OkDokumentApi],
			node: { type: 'okDokumentTool', parameters: { resource: 'document', operation: 'get', documentId: 'doc-nobody-knows' } },
			credentials: { okDokumentApi: sandboxCredential(sandbox) },
		});

		expect(result.error?.message).toBe(`OKdokument could not find what was asked for (HTTP 404: err.not.found)\n\nDetails: ${NOT_FOUND_HINT}`);
		expect(result.error?.description).toBe(NOT_FOUND_HINT);
	});

	it('Document → Download: the model gets what the PDF is and that it did not come along, never a file', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, state: 'signed' });
		const [outcome] = await runTool(
			{ resource: 'document', operation: 'download', documentId: fromAI('documentId', 'The OKdokument document ID') },
			[{ documentId: document.id }],
		);

		expect(outcome.error).toBeUndefined();
		expect(outcome.result).toEqual([
			{
				documentId: document.id,
				fileName: 'offer.pdf',
				fileSize: PDF.length,
				mimeType: 'application/pdf',
				file: 'Not included: a tool returns no files. The PDF stays in OKdokument; a workflow can download it with Document → Download.',
			},
		]);
		expect(sandbox.requests.map((r) => [r.method, r.path])).toEqual([['GET', `/JSON/document/${document.id}`]]);
	});

	it('Signature Request → Create: sends the existing document the model names', async () => {
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF });
		const [outcome] = await runTool(
			{ resource: 'signatureRequest', operation: 'create', documentId: fromAI('documentId', 'The document to sign') },
			[{ documentId: document.id }],
		);

		expect(outcome.description).toBe('Create a signature request in OKdokument');
		expect(outcome.schema).toEqual({ documentId: { type: 'ZodString', description: 'The document to sign' } });
		expect(outcome.error).toBeUndefined();
		expect(sandbox.requests.map((r) => [r.method, r.path, (r.body as IDataObject | undefined)?.id])).toEqual([
			['POST', '/JSON/signatureRequest', document.id],
		]);
		expect(outcome.result).toEqual([expect.objectContaining({ documentId: document.id, url: expect.stringContaining('/openDocument/') })]);
	});

	it('Signature Request → Create saved with Source "New Document": refused with a reason, before anything is sent', async () => {
		const [outcome] = await runTool({ resource: 'signatureRequest', operation: 'create', source: 'newDocument' }, [{}]);

		expect(outcome.error).toBe(
			'Source "New Document" needs a file from the input, which a tool of an AI agent does not get (item index 0)\n\n' +
				'Details: Choose Source: Existing Document and let the model give the Document ID, or upload the file in a workflow first (Document → Upload).',
		);
		expect(sandbox.requests).toEqual([]);
	});

	it('Document → Get Many: a state from the model that is no document state is refused, naming the states', async () => {
		const calls = [{ state: 'signed' }, { state: 'done' }];
		const document = sandbox.addDocument({ filename: 'offer.pdf', content: PDF, state: 'signed' });
		const outcomes = await runTool(
			{ resource: 'document', operation: 'getAll', state: fromAI('state', 'A document state, or * for all') },
			calls,
		);

		expect(outcomes[0].description).toBe('Get many documents in OKdokument');
		expect((outcomes[0].result as IDataObject[]).map((d) => d.id)).toEqual([document.id]);
		expect(outcomes[1].error).toBe(
			'State "done" is not a document state (item index 0)\n\nDetails: Use one of: *, errorsendinfo, canceled, signed, tags, tosign, tostamp (* means all).',
		);
		expect(sandbox.requests.map((r) => [r.path, r.query])).toEqual([['/JSON/list/flat', { state: 'signed' }]]);
	});
});
