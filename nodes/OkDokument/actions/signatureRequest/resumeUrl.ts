import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A wait for OKdokument's callback needs a resume URL that n8n signs: only then is a forged or
 * altered URL refused by n8n itself. n8n signs them from 1.110 on (n8n-core 1.109.0 added
 * getSignedResumeUrl); an older n8n has no such function, and the wait is refused before anything
 * is sent rather than failing after the upload.
 */
export function refuseWithoutSignedResumeUrls(
	context: IExecuteFunctions,
	itemIndex: number,
	operationName: string,
): void {
	if (typeof (context as Partial<IExecuteFunctions>).getSignedResumeUrl === 'function') return;
	throw new NodeOperationError(
		context.getNode(),
		`${operationName} needs n8n 1.110 or newer, which signs resume URLs; this n8n does not (item index ${itemIndex})`,
		{
			itemIndex,
			description:
				'Nothing was sent. Without a signed resume URL anybody who learned the URL could resume the workflow. Update n8n, or send with Signature Request → Create and continue with an OKdokument Trigger, which confirms every callback with OKdokument.',
		},
	);
}
