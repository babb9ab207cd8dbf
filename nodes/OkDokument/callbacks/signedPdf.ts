import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import { downloadPdf } from '../documents/requests';
import { binaryFieldName } from '../helpers/binary';
import { readBoolean } from '../helpers/validation';

/**
 * The signed PDF of a signing event, for every node that reports one (the trigger, Send and Wait
 * for Signature, Wait for Signature): the same two fields, and the PDF fetched once OKdokument has
 * the answer to its callback.
 */

/** The names the two fields have in a node (saved workflows keep them), and when they show. */
export interface SignedPdfParameters {
	toggle: string;
	field: string;
	downloadByDefault: boolean;
	show?: IDisplayOptions['show'];
}

const DEFAULT_FIELD = 'data';

export function signedPdfProperties(names: SignedPdfParameters): INodeProperties[] {
	const toggle: INodeProperties = {
		displayName: 'Download Signed PDF',
		name: names.toggle,
		type: 'boolean',
		default: true,
		description: 'Whether to add the signed PDF to the output item as binary data (only when the state is signed)',
	};
	return [
		{ ...toggle, default: names.downloadByDefault, ...(names.show ? { displayOptions: { show: names.show } } : {}) },
		{
			displayName: 'Put Output File in Field',
			name: names.field,
			type: 'string',
			default: DEFAULT_FIELD,
			placeholder: 'e.g. data',
			displayOptions: { show: { ...names.show, [names.toggle]: [true] } },
			hint: 'The name of the output binary field for the signed PDF; other states never have one',
		},
	];
}

/** The output field for the signed PDF, or undefined when it is not wanted. Checked before anything is sent. */
export function readSignedPdfField(
	context: IExecuteFunctions | IWebhookFunctions,
	names: SignedPdfParameters,
	itemIndex = 0,
): string | undefined {
	const get = (name: string, fallback: unknown) =>
		'getInputData' in context ? context.getNodeParameter(name, itemIndex, fallback) : context.getNodeParameter(name, fallback);
	const field = (label: string) => ({ node: context, itemIndex, label });
	if (!readBoolean(get(names.toggle, names.downloadByDefault), field('Download Signed PDF'), names.downloadByDefault)) return undefined;
	return binaryFieldName(
		get(names.field, DEFAULT_FIELD),
		field('Put Output File in Field'),
		'Enter the name of the output binary field for the signed PDF, for example data, or turn off Download Signed PDF.',
	);
}

/**
 * Puts the signed PDF into the item's binary `field`. When it cannot be had, the item says so in
 * `error` and carries no PDF, so that no later node mistakes it for the signed one; the error is
 * also returned, for the log.
 */
export async function attachSignedPdf(
	this: IExecuteFunctions | IWebhookFunctions,
	item: INodeExecutionData,
	field: string,
	documentId: string,
	itemIndex = 0,
): Promise<string | undefined> {
	const document = item.json.document as IDataObject | undefined;
	const knownAs = typeof document?.filename === 'string' ? document.filename : undefined;
	try {
		const pdf = await downloadPdf.call(this, documentId, itemIndex, { knownAs });
		item.binary = { ...item.binary, [field]: pdf.binary };
		return undefined;
	} catch (error) {
		const message = `The signed PDF of document ${documentId} could not be downloaded from OKdokument: ${(error as Error).message}`;
		item.json.error = message;
		return message;
	}
}
