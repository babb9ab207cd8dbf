import type { INodeParameters } from 'n8n-workflow';

import { readBinary, storeBinary } from './harness';
import { startWaitingExecution, type WaitingExecution } from './harness/waiting';
import { API_KEY, sandboxCredential, slowDownload, useSandbox } from './support/okdokument';
import { postOnce } from './support/trigger';
import { OkDokumentApi } from '../credentials/OkDokumentApi.credentials';
import { OkDokument } from '../nodes/OkDokument/OkDokument.node';

/**
 * How both operations that wait are resumed (Send and Wait for Signature, Wait for Signature):
 * copies of a callback that arrive together, and OKdokument answered before the signed PDF is
 * fetched, whatever the download takes.
 */

const sandbox = useSandbox();

const running: WaitingExecution[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map(async (execution) => await execution.stop()));
});

const PDF = Buffer.from('%PDF-1.4\n% resume tests\n%%EOF\n', 'latin1');

async function start(operation: 'sendAndWait' | 'waitForSignature', parameters: INodeParameters) {
	const execution = await startWaitingExecution({
		nodeTypes: [OkDokument],
		credentialTypes: [OkDokumentApi],
		node: { type: 'okDokument', parameters: { resource: 'signatureRequest', operation, ...parameters } },
		credentials: { okDokumentApi: sandboxCredential(sandbox) },
		items: [{ json: {}, binary: { data: await storeBinary(PDF, { fileName: 'contract.pdf', mimeType: 'application/pdf' }) } }],
	});
	running.push(execution);
	return execution;
}

/** A document in OKdokument with a request for it, as Create leaves them. */
async function existingRequest(content: Buffer = PDF) {
	const document = sandbox.addDocument({ filename: 'contract.pdf', content });
	const response = await fetch(`${sandbox.url}/JSON/signatureRequest`, {
		method: 'POST',
		headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ id: document.id, changeState: 'tosign' }),
	});
	return { signatureRequestId: ((await response.json()) as { result: string }).result, documentId: document.id };
}

/** Each operation, waiting for a request of its own. */
const OPERATIONS = {
	sendAndWait: async () => {
		const execution = await start('sendAndWait', { signerEmail: 'jana@example.com', senderEmail: 'office@example.com' });
		const created = sandbox.listSignatureRequests().at(-1)!;
		return { execution, signatureRequestId: created.signatureRequestId, documentId: created.documentId };
	},
	waitForSignature: async () => {
		const ids = await existingRequest();
		return { execution: await start('waitForSignature', ids), ...ids };
	},
};

const downloads = (documentId: string) => sandbox.requests.filter((request) => request.method === 'GET' && request.path === `/JSON/document/${documentId}`);

describe.each(Object.keys(OPERATIONS) as Array<keyof typeof OPERATIONS>)('%s: resumed once, OKdokument answered first', (operation) => {
	it('20 copies of the genuine callback at once: one resume, the next node runs once, every copy below 500, one download', async () => {
		const { execution, signatureRequestId, documentId } = await OPERATIONS[operation]();
		const resumeUrl = sandbox.getSignatureRequest(signatureRequestId)!.sendInfoURL;
		await sandbox.sign(signatureRequestId, { deliverCallback: false });
		sandbox.addDocument({ ...sandbox.getDocument(documentId)!, state: 'signed' }); // as if the first delivery had not failed
		const callback = JSON.stringify({ state: 'signed', id: documentId, signatureRequestId });

		const answers = await Promise.all(Array.from({ length: 20 }, async () => await postOnce(resumeUrl, callback)));
		await execution.settled();

		expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
		expect(execution.runs).toHaveLength(2); // the run that waited, and one resumed run
		expect(execution.received()).toHaveLength(1);
		expect(execution.received()[0].json.state).toBe('signed');
		expect(downloads(documentId)).toHaveLength(1);
		expect(execution.status).toBe('success');
	});

	it('a download slower than OKdokument waits for its answer: the callback still gets 200, the document stays signed, the PDF arrives', async () => {
		const { execution, signatureRequestId, documentId } = await OPERATIONS[operation]();
		slowDownload(sandbox, documentId);

		const signing = await sandbox.sign(signatureRequestId);
		await execution.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(sandbox.getDocument(documentId)!.state).toBe('signed');
		// The sandbox's log: OKdokument had its answer before the PDF had left it.
		const [delivery] = sandbox.callbacks;
		const [download] = downloads(documentId);
		expect(delivery.answeredAt).toBeLessThan(download.answeredAt!);
		const [item] = execution.received();
		expect(item.json.state).toBe('signed');
		expect((await readBinary(item.binary!.data)).equals(sandbox.getDocument(documentId)!.signedContent!)).toBe(true);
	});
});

describe('wait for signature: a 10 MB signed PDF behind a slow download', () => {
	it('resumes as signed with every byte, and the document is not errorsendinfo', async () => {
		const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 - PDF.length - 200, 0x20)]);
		const ids = await existingRequest(big);
		const execution = await start('waitForSignature', ids);
		slowDownload(sandbox, ids.documentId);

		const signing = await sandbox.sign(ids.signatureRequestId);
		await execution.settled();

		expect(signing).toMatchObject({ callbackStatus: 200, state: 'signed' });
		expect(sandbox.getDocument(ids.documentId)!.state).toBe('signed');
		const bytes = await readBinary(execution.received()[0].binary!.data);
		expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024 - 200);
		expect(bytes.equals(sandbox.getDocument(ids.documentId)!.signedContent!)).toBe(true);
	});
});
