import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

import type { FieldRef } from '../../helpers/validation';
import { invalidField, refuseKeysN8nDrops } from '../../helpers/validation';

/**
 * Keys the node does not model (for example sigData, which connector version 1.2 had), merged
 * into the request body last. They may never replace a key the node sets, so that, for one, the
 * callback URL Send and Wait for Signature sets cannot be changed through them.
 */
export const additionalBodyFieldsOption: INodeProperties = {
	displayName: 'Additional Body Fields (JSON)',
	name: 'additionalBodyFields',
	type: 'json',
	default: '{}',
	placeholder: 'e.g. {"sigData": {"RecipientEmail": "jana@example.com", "InternalDocumentID": "42"}}',
	description:
		'Other keys for the request body that OKdokument accepts but this node has no field for, as a JSON object, added after everything else. A key the node has a field for (the document ID, changeState, signatureRequestId, sendInfoURL, resulturl, expirationTime, allowedFields, fieldConfig, ignoreRequired, fieldsBeforeSigning, rules) is refused: use the field.',
};

function parse(value: unknown, field: FieldRef): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return jsonParse<unknown>(value);
	} catch (error) {
		throw invalidField(
			field,
			`is not valid JSON: ${(error as Error).message}`,
			'Write a JSON object such as {"sigData": {"RecipientEmail": "jana@example.com"}}.',
		);
	}
}

/**
 * The additional keys, or undefined when there are none. Refuses anything but a JSON object, and
 * any key in `nodeKeys` (what the node puts into the body itself), however it is capitalised.
 */
export function readAdditionalBodyFields(
	value: unknown,
	field: FieldRef,
	nodeKeys: Iterable<string>,
): IDataObject | undefined {
	const parsed = parse(value, field);
	if (parsed === undefined || parsed === null) return undefined;
	if (typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw invalidField(
			field,
			`must be a JSON object, not ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
			'Write the keys and values as {"key": value, …}.',
		);
	}
	refuseKeysN8nDrops(parsed, field);
	// Upper and lower case alike: the docs spell one key two ways (sendInfoURL, sendInfoUrl; docs §8.1).
	const taken = new Set([...nodeKeys].map((key) => key.toLowerCase()));
	const clashes = Object.keys(parsed).filter((key) => taken.has(key.toLowerCase()));
	if (clashes.length > 0) {
		throw invalidField(
			field,
			`would overwrite ${clashes.map((key) => `"${key}"`).join(', ')}, which the node sets itself`,
			'Set these with the node’s own fields (Document ID, Signature Request ID, Send Info URL, Result URL, Allowed Fields, Signing Rules, …) and keep only other keys here.',
		);
	}
	return Object.keys(parsed).length > 0 ? (parsed as IDataObject) : undefined;
}
