/**
 * The parts the webhook harness uses of two modules without types of their own, which n8n uses to read a webhook
 * request and which come with n8n-workflow (xml2js) and n8n-core (qs).
 */
declare module 'xml2js' {
	export class Parser {
		constructor(options: Record<string, unknown>);
		parseStringPromise(text: string): Promise<unknown>;
	}
}

declare module 'qs' {
	export function parse(text: string, options?: { allowPrototypes?: boolean }): Record<string, unknown>;
}
