// @ts-check
'use strict';

/**
 * The credential's Test, as the editor's button calls it (POST /rest/credentials/test), for a good and a wrong key.
 * The editor checks (test/e2e/editor.js) click it in n8n 1.123 and 2.41; this runs it on every version, the oldest
 * included, with what each version shows for a wrong key.
 */

const assert = require('node:assert/strict');

const { API_KEY, WRONG_KEY, CREDENTIALS } = require('../lib/fixtures');

/** Our 401 rule message (credentials/OkDokumentApi.credentials.ts). */
const WRONG_KEY_TEXT = 'OKdokument rejected the API key (401). Check the key, and that it belongs to the selected environment.';
/**
 * n8n 1.123 ('1') shows its own text instead: its credential tester applies the rules only when the error's `cause`
 * has the HTTP response, which n8n-workflow 1.120's NodeApiError loses (see test/e2e/editor.js). n8n 1.88 and 2.41
 * show ours.
 */
const N8N_GENERIC_401 = 'Authorization failed - please check your credentials';
const GENERIC_401_VERSIONS = ['1'];

/**
 * @param {import('../lib/context').Context} ctx
 * @param {{ id: string, name: string, type: string }} credential
 * @param {string} apiKey
 * @returns {Promise<{ status: string, message: string }>}
 */
async function testCredential(ctx, credential, apiKey) {
	const n8n = await ctx.n8n();
	const data = { environment: 'custom', baseUrl: ctx.sandbox.url, apiKey };
	const res = await n8n.request('POST', '/rest/credentials/test', { credentials: { ...credential, data } });
	assert.equal(res.status, 200, `POST /rest/credentials/test answered ${res.status}: ${res.text.slice(0, 300)}`);
	return res.json?.data;
}

/** @type {import('.').Scenario} */
module.exports = {
	needs: 'server',
	checks: [
		{
			name: 'credential Test: a good key passes; a wrong key fails with the 401 message (n8n 1.123: its own text)',
			run: async (ctx) => {
				const good = await testCredential(ctx, CREDENTIALS.good, API_KEY);
				assert.deepEqual(good, { status: 'OK', message: 'Connection successful!' });
				const wrong = await testCredential(ctx, CREDENTIALS.wrongKey, WRONG_KEY);
				assert.deepEqual(wrong, { status: 'Error', message: GENERIC_401_VERSIONS.includes(ctx.version) ? N8N_GENERIC_401 : WRONG_KEY_TEXT });
				ctx.say(`      good key: ${good.message}; wrong key: ${wrong.message}`);
			},
		},
	],
};
