import { ApplicationError } from 'n8n-workflow';
import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** Hosts of the two public OKdokument environments (see README, "Credentials"). */
export const OKDOKUMENT_ENVIRONMENT_URLS = {
	production: 'https://api.okdokument.com',
	development: 'https://apidev.okdokument.com',
} as const;

/**
 * The credential test runs inside n8n without our code, so the base URL has to be
 * an expression; it mirrors `resolveBaseUrl` in the node's transport.
 */
const baseUrlExpression =
	'={{ $credentials.environment === "custom"' +
	' ? String($credentials.baseUrl).trim().replace(/\\/+$/, "")' +
	` : $credentials.environment === "development" ? "${OKDOKUMENT_ENVIRONMENT_URLS.development}"` +
	` : "${OKDOKUMENT_ENVIRONMENT_URLS.production}" }}`;

/**
 * What is wrong with an API key, or undefined. OKdokument's keys are printable ASCII (`9668716b6_1f40…`); a key
 * with a space, a line break or another character inside was pasted wrongly, and n8n's HTTP client would silently
 * drop some of those characters and send another key.
 */
export function apiKeyProblem(apiKey: unknown): string | undefined {
	if (apiKey === undefined || apiKey === null || apiKey === '') return undefined;
	if (typeof apiKey !== 'string') return 'is not text';
	const key = apiKey.trim();
	if (key === '') return undefined;
	return /^[\x21-\x7e]+$/.test(key)
		? undefined
		: 'contains a space, a control character or a character beyond ASCII, which no OKdokument key has';
}

/** The redirects a server sends for a moved address; the test reports them instead of following them. */
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/**
 * What the credential test reports for an answer. n8n types the rules as a list of one kind, but its credential
 * tester reads a mixed list rule by rule (n8n 1.123 and 2.41), which this one is.
 */
const TEST_RULES: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{
		type: 'responseCode',
		properties: {
			value: 401,
			message:
				'OKdokument rejected the API key (401). Check the key, and that it belongs to the selected environment.',
		},
	},
	{
		type: 'responseCode',
		properties: {
			value: 403,
			message:
				'OKdokument knows this API key but does not allow it to use the API (403). Ask OKdokument to enable API access for it.',
		},
	},
	...REDIRECT_STATUSES.map((value) => ({
		type: 'responseCode' as const,
		properties: {
			value,
			message: `OKdokument answered with a redirect (${value}). The API key is only sent to the address set here: choose the matching environment, or enter the address OKdokument has now as the Base URL.`,
		},
	})),
	// One documented answer shape says a failure in a 200 ("success": false), as the node reads it too.
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'success',
			value: false,
			message: 'OKdokument answered, but reports a failure ("success": false). Check the key and the environment.',
		},
	},
];

export class OkDokumentApi implements ICredentialType {
	name = 'okDokumentApi';

	displayName = 'OKdokument API';

	icon: Icon = {
		light: 'file:../nodes/OkDokument/okdokument.svg',
		dark: 'file:../nodes/OkDokument/okdokument.dark.svg',
	};

	documentationUrl =
		'https://github.com/okdokument-n8n/n8n-nodes-okdokument/blob/main/README.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The API key OKdokument issued for your application. It is sent in the x-api-key header and works only in the environment that issued it.',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{
					name: 'Production',
					value: 'production',
					description: OKDOKUMENT_ENVIRONMENT_URLS.production,
				},
				{
					name: 'Development',
					value: 'development',
					description: OKDOKUMENT_ENVIRONMENT_URLS.development,
				},
				{
					name: 'Custom',
					value: 'custom',
					description: 'Another base URL, such as a local OKdokument sandbox',
				},
			],
			default: 'production',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'http://127.0.0.1:8787',
			description: 'Scheme and host of the OKdokument API, without the /JSON path',
			displayOptions: { show: { environment: ['custom'] } },
		},
	];

	/**
	 * Sends the key in x-api-key. A function rather than the generic `={{$credentials.apiKey}}`
	 * block: n8n evaluates that expression for every request it sends, which cost more CPU per
	 * item than the rest of the node together. The value is the key as stored (an expression in
	 * the credential is already resolved by then) without spaces around it, empty when there is none.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { apiKey } = credentials;
		const problem = apiKeyProblem(apiKey);
		// Thrown for the credential test, whose message it becomes; the node refuses such a key before it gets here.
		if (problem !== undefined) throw new ApplicationError(`The API Key ${problem}: paste the key again`);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, 'x-api-key': apiKey ? String(apiKey).trim() : '' },
		};
	}

	// The API has no "who am I" call; the usage counter needs a valid key and changes nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: baseUrlExpression,
			url: '/JSON/counter',
			method: 'GET',
			// As the node's own requests: the key never follows a redirect to another host.
			disableFollowRedirect: true,
		},
		rules: TEST_RULES as ICredentialTestRequest['rules'],
	};
}
