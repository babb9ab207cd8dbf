import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { okDokumentBaseUrl } from '../../transport';
import type { WaitingFor } from './waitingOutcome';

/**
 * The URL OKdokument calls to end a wait: this execution's resume URL, with the node's ID as its
 * suffix, where n8n routes it to the node's restart webhook (resume.webhook.ts).
 *
 * n8n checks who may call it (docs/n8n-behaviour.md): for the operation sendAndWait, an HMAC of
 * the whole URL, query included, which getSignedResumeUrl adds; for any other waiting node, where
 * n8n checks, the execution's secret resume token, which $execution.resumeUrl carries. Either way,
 * the webhook takes the awaited IDs from what this execution stored, never from the URL.
 */
export function resumeUrlFor(context: IExecuteFunctions, waitingFor: WaitingFor, itemIndex: number): string {
	if (context.getNode().parameters.operation === 'sendAndWait') {
		return context.getSignedResumeUrl({ ...waitingFor });
	}
	const url = new URL(String(context.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex)));
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(context.getNode().id)}`;
	return url.toString();
}

/** IPv4 ranges no one outside can reach, as [first byte, lowest second byte, highest second byte]. */
/**
 * Send and Wait needs a resume URL that n8n signs: only then does n8n refuse a forged or altered
 * one itself, and its IDs are what the webhook checks against. n8n signs them from 1.110 on (n8n-core
 * 1.109.0 added getSignedResumeUrl); on an older n8n the operation refuses before anything is sent
 * instead of failing after the upload.
 */
export function refuseWithoutSignedResumeUrls(context: IExecuteFunctions, itemIndex: number): void {
	if (typeof (context as Partial<IExecuteFunctions>).getSignedResumeUrl === 'function') return;
	throw new NodeOperationError(
		context.getNode(),
		`Send and Wait for Signature needs n8n 1.110 or newer, which signs resume URLs; this n8n does not (item index ${itemIndex})`,
		{
			itemIndex,
			description:
				'Nothing was sent. Update n8n, or send the document with Signature Request → Create and continue with Signature Request → Wait for Signature, which needs no signed URL: it confirms every callback with OKdokument.',
		},
	);
}

const PRIVATE_IPV4: ReadonlyArray<readonly [number, number, number]> = [
	[0, 0, 255],
	[10, 0, 255],
	[100, 64, 127], // carrier-grade NAT
	[127, 0, 255],
	[169, 254, 254], // link-local
	[172, 16, 31],
	[192, 168, 168],
];

function isPrivateIpv4(host: string): boolean {
	const parts = host.split('.').map(Number);
	if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return false;
	const [first, second] = parts;
	return PRIVATE_IPV4.some(([prefix, low, high]) => first === prefix && second >= low && second <= high);
}

function isPrivateIpv6(host: string): boolean {
	const address = host.replace(/^\[|\]$/g, '').toLowerCase();
	if (address === '::1' || address === '::') return true;
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
	if (mapped) return isPrivateIpv4(mapped[1]);
	return /^f[cd][0-9a-f]{0,2}:/.test(address) || /^fe[89ab][0-9a-f]?:/.test(address);
}

const isLoopback = (host: string) =>
	host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';

/** A host nobody outside this machine or network can reach: loopback, private, or a name without a dot. */
function isLocalOnly(host: string): boolean {
	if (host.startsWith('[')) return isPrivateIpv6(host);
	return isLoopback(host) || isPrivateIpv4(host) || !host.includes('.') || host.endsWith('.local') || host.endsWith('.internal');
}

/**
 * Refuses, before anything is sent, a resume URL OKdokument could never call: OKdokument runs
 * elsewhere (Production, Development, or a custom base URL that is not loopback) and the URL
 * names this machine or a private network, as it does when n8n does not know its public address.
 * The local sandbox (loopback) can call a loopback n8n, so that keeps working.
 */
export async function refuseUnreachableResumeUrl(
	context: IExecuteFunctions,
	resumeUrl: string,
	itemIndex: number,
): Promise<void> {
	const okdokument = new URL(await okDokumentBaseUrl.call(context)).hostname;
	const callback = new URL(resumeUrl).hostname;
	if (isLoopback(okdokument) || !isLocalOnly(callback)) return;
	throw new NodeOperationError(
		context.getNode(),
		`OKdokument could never reach this workflow: its resume URL names ${callback} (item index ${itemIndex})`,
		{
			itemIndex,
			description: `Nothing was sent. OKdokument (${okdokument}) calls the resume URL when the signer finishes, and ${callback} is this machine or a private network to it. Set WEBHOOK_URL (on n8n 2.x also N8N_WEBHOOK_URL) to the public address of this n8n, such as https://n8n.example.com/, and restart n8n; in queue mode on every worker too.`,
		},
	);
}
