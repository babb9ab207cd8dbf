#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * The n8n editor in a real browser: Debian's Chromium driven by playwright-core, against real n8n 1.123.81 and 2.41.1
 * with the packed package installed as Community Nodes installs it, and OKdokument played by the local sandbox.
 *
 *   node test/e2e/editor.js [--version 1|2|all] [--docs-images] [--accept-n8n1-401-text]
 *   node test/e2e/editor.js --url http://127.0.0.1:5678 [--email … --password …]   (an n8n that is already running)
 *
 * Checks, per n8n version (one line each, ✓ or ✗):
 *   - the owner signs in through the sign-in form;
 *   - the node panel ("Add first step" → search "OKdokument") lists the node, and picking it adds it to the workflow;
 *   - the node's icon is the package's own file, loaded and painted, in the light theme (node panel, canvas, NDV) and
 *     in the dark theme (`okdokument.dark.svg`);
 *   - the node's NDV shows Resource, Operation, Signature Request ID, Send Info URL and Result URL, with the two hints;
 *   - the node panel lists "Send a document for signature and wait until it is signed" once, and its NDV explains
 *     the wait and what a time-out gives;
 *   - the OKdokument Tool (what AI agents and MCP clients call) on Create offers an existing document only: no
 *     New Document source, no Input Binary Field;
 *   - the credential dialog ("OKdokument API", environment Custom, base URL = sandbox): a wrong key fails with our
 *     message, a good key reports "Connection tested successfully";
 *   - the Document ID of test/e2e/workflows/document-id.json: saved by 0.2.0 as text (an ID, an expression) it still
 *     shows; its From List shows the sandbox's documents (latest change first, searchable by file name, OKdokument's
 *     message when the list fails), and picking one fills the field.
 * Screenshots go to .e2e/screenshots/<n8n version>/ (git-ignored). `--docs-images` also writes docs/images/*.png.
 *
 * Also a module: `runEditorChecks({ version, tarball })` → `{ passed, failed, details }` for test/e2e/run.js.
 *
 * How n8n picks the theme (1.123 and 2.41 alike): `?theme=` in the URL, else localStorage `N8N_THEME`
 * ('light' | 'dark', what Settings → Personal → Theme writes), else the system preference (prefers-color-scheme).
 * The browser context here says "light", and the dark checks set localStorage `N8N_THEME` = 'dark' and reload.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const lib = require('../../scripts/lib/n8n');
const debian = require('../../scripts/lib/debian-packages');
const { Checks, indent } = require('./lib/checks');
const { testWorkflow } = require('./lib/fixtures');
const { startSandbox } = require('../../sandbox/server');

const REPO = path.resolve(__dirname, '..', '..');
const E2E_ROOT = path.join(REPO, '.e2e');
const SCREENSHOTS_ROOT = path.join(E2E_ROOT, 'screenshots');
const DOCS_IMAGES = path.join(REPO, 'docs', 'images');

const CHROMIUM = process.env.CHROMIUM_PATH || debian.CHROMIUM.program;
/** Without the background-networking flags Chromium keeps trying to reach Google's hosts, which this network refuses. */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1400, height: 900 };

/** Fake keys, shaped like OKdokument's. The sandbox accepts only the first. */
const GOOD_KEY = '5e2d7c1a9_ed170c0ffee4b2a6c8e0d1f3a5b7';
const WRONG_KEY = '0b4d6f8a2_ed17badbee3c5e7a9b1d2f4a6c8e';

const ICON_LIGHT = 'okdokument.svg';
const ICON_DARK = 'okdokument.dark.svg';
const ICON_SOURCE_DIR = path.join(REPO, 'nodes', 'OkDokument');

/** The node-creator action that adds the node as Signature Request → Update. */
const UPDATE_ACTION = 'Update a signature request';
/** … and as Signature Request → Send and Wait for Signature. */
const SEND_AND_WAIT_ACTION = 'Send a document for signature and wait until it is signed';
/** What the Send and Wait NDV must explain: the wait (its notice) and what a time-out gives (Limit Wait Time's hint). */
const SEND_AND_WAIT_TEXTS = [/OKdokument e-mails the signer the link, then this workflow pauses until OKdokument confirms/, /state "timedOut".*never with a signature/];
const FIELD_LABELS = ['Resource', 'Operation', 'Signature Request ID', 'Send Info URL', 'Result URL'];
const HINTS = {
	sendInfoUrl: /use the operation Wait for Signature instead/,
	resultUrl: /browser redirect/,
};
/** Our 401 rule message (credentials/OkDokumentApi.credentials.ts). */
const WRONG_KEY_TEXT = 'OKdokument rejected the API key (401)';
/**
 * What n8n 1.123 shows instead: its credential tester applies `test.rules` only when the error's `cause` has the HTTP
 * response, and n8n-workflow 1.120's NodeApiError loses `cause` (a `cause;` class field resets it after super()).
 */
const N8N1_GENERIC_401 = 'Authorization failed - please check your credentials';
const TEST_FAILED = /Couldn.t connect with these settings/;
const TEST_OK = /Connection tested successfully/;

/* ------------------------------------------------------------------------------------------------ small helpers */

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/**
 * @param {unknown} condition
 * @param {string} message
 * @returns {asserts condition}
 */
function ensure(condition, message) {
	if (!condition) throw new Error(message);
}

/** @param {number} ms */
function seconds(ms) {
	return lib.formatDuration(ms);
}

/** @param {string} text */
function normalizeSvg(text) {
	return text.replace(/\s+/g, ' ').trim();
}

/** @typedef {import('./lib/checks').CheckResult} CheckResult */

/* ------------------------------------------------------------------------------------------------ browser */

/**
 * Debian's Chromium with a fresh profile. playwright-core never downloads a browser of its own.
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
async function launchBrowser() {
	ensure(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
	const { chromium, selectors } = require('playwright-core');
	// n8n marks its elements with data-test-id, not Playwright's default data-testid.
	selectors.setTestIdAttribute('data-test-id');
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okdokument-chromium-'));
	/** @type {import('playwright-core').BrowserContext | undefined} */
	let context;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			colorScheme: 'light',
			locale: 'en-US',
			timeout: 60_000,
		});
	} catch (error) {
		fs.rmSync(userDataDir, { recursive: true, force: true });
		throw error;
	}
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);
	page.setDefaultNavigationTimeout(60_000);
	const ctx = context;
	return {
		context,
		page,
		close: async () => {
			await ctx.close().catch(() => {});
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

/* ------------------------------------------------------------------------------------------------ editor steps */

/**
 * @typedef {object} EditorSession
 * @property {import('playwright-core').Page} page
 * @property {string} url            n8n's base URL, no trailing slash
 * @property {string} major          "1" or "2"
 * @property {(name: string, options?: { clip?: { x: number, y: number, width: number, height: number } }) => Promise<string>} shot
 */

/**
 * Signs in through the form (n8n 1.x and 2.x: emailOrLdapLoginId, password, form-submit-button).
 * @param {EditorSession} s
 * @param {{ email: string, password: string }} owner
 */
async function signIn(s, owner) {
	const { page } = s;
	await page.goto(`${s.url}/signin`);
	const email = page.locator('[data-test-id="emailOrLdapLoginId"] input, input[name="emailOrLdapLoginId"], input[name="email"]').first();
	await email.fill(owner.email);
	await page.locator('[data-test-id="password"] input, input[name="password"]').first().fill(owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((u) => !u.pathname.includes('/signin'), { timeout: 45_000 });
}

/**
 * Opens a new, empty workflow in the given theme and waits for the "Add first step" button.
 * @param {EditorSession} s
 * @param {'light' | 'dark'} theme
 */
async function openNewWorkflow(s, theme) {
	const { page } = s;
	// The editor reads localStorage N8N_THEME at start-up: set it on the origin, then load the editor.
	await page.evaluate((t) => window.localStorage.setItem('N8N_THEME', t), theme);
	await page.goto(`${s.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').waitFor({ state: 'visible', timeout: 60_000 });
	const applied = await page.evaluate(() => document.body.getAttribute('data-theme'));
	ensure(applied === theme, `the editor did not apply the ${theme} theme (body data-theme = ${JSON.stringify(applied)})`);
}

/**
 * "Add first step" → search → the node's entry in the node panel.
 * @param {EditorSession} s
 */
async function searchNodePanel(s) {
	const { page } = s;
	await page.getByTestId('canvas-plus-button').click();
	// The data-test-id sits on the <input> itself (1.x and 2.x); allow a wrapper too.
	const input = page.locator('input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input').first();
	await input.waitFor({ state: 'visible' });
	await input.fill('OKdokument');
	const item = page
		.getByTestId('item-iterator-item')
		.filter({ has: page.getByTestId('node-creator-item-name').getByText('OKdokument', { exact: true }) })
		.first();
	await item.waitFor({ state: 'visible', timeout: 20_000 });
	return item;
}

/**
 * Picks the node in the panel, then one of its actions ("Update a signature request" unless told); waits for the
 * canvas node and the NDV.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} item
 * @param {() => Promise<void>} [beforeAction]  runs while the node's actions are shown
 * @param {string} [actionText]
 */
async function addNodeFromPanel(s, item, beforeAction, actionText = UPDATE_ACTION) {
	const { page } = s;
	await item.click();
	const action = page.getByTestId('item-iterator-item').filter({ hasText: actionText }).first();
	// With the package's trigger node, the empty workflow's trigger panel lists the triggers first and folds the
	// actions under "Actions (N)".
	const actionsHeader = page.getByText(/^\s*Actions\s*\(\d+\)\s*$/).first();
	const ndv = page.getByTestId('ndv');
	const deadline = Date.now() + 20_000;
	let unfolded = false;
	for (;;) {
		if (await ndv.isVisible()) break;
		if (await action.isVisible()) {
			if (beforeAction) await beforeAction();
			await action.click();
			break;
		}
		if (!unfolded && (await actionsHeader.isVisible())) {
			await actionsHeader.click();
			unfolded = true;
		}
		if (Date.now() > deadline) throw new Error(`the node panel shows no "${actionText}" action`);
		await page.waitForTimeout(250);
	}
	await ndv.waitFor({ state: 'visible', timeout: 30_000 });
	const canvasNode = page.locator('[data-test-id="canvas-node"][data-node-type$=".okDokument"]');
	await canvasNode.first().waitFor({ state: 'attached', timeout: 20_000 });
	return { ndv, canvasNode };
}

/**
 * Waits until an <img> has loaded, then reports what it shows: its src, natural size, whether drawing it paints
 * anything, and whether the file it came from is the package's icon file for the theme.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} img
 * @param {'light' | 'dark'} theme
 * @param {string} where  for messages
 * @returns {Promise<string>}  a one-line summary
 */
async function checkIcon(s, img, theme, where) {
	const { page } = s;
	const expectedFile = theme === 'dark' ? ICON_DARK : ICON_LIGHT;
	await img.waitFor({ state: 'visible', timeout: 20_000 });
	const handle = await img.elementHandle();
	ensure(handle, `${where}: no icon <img>`);
	await page
		.waitForFunction((el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0, handle, { timeout: 15_000 })
		.catch(() => {});
	const info = await img.evaluate((el) => {
		const image = /** @type {HTMLImageElement} */ (el);
		let painted = -1;
		try {
			const canvas = document.createElement('canvas');
			canvas.width = 60;
			canvas.height = 60;
			const g = canvas.getContext('2d');
			if (g && image.naturalWidth > 0) {
				g.drawImage(image, 0, 0, 60, 60);
				const data = g.getImageData(0, 0, 60, 60).data;
				painted = 0;
				for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
			}
		} catch {
			painted = -2; // tainted canvas: not same-origin
		}
		const box = image.getBoundingClientRect();
		return {
			tag: image.tagName,
			src: image.getAttribute('src') ?? '',
			currentSrc: image.currentSrc,
			complete: image.complete,
			naturalWidth: image.naturalWidth,
			naturalHeight: image.naturalHeight,
			width: Math.round(box.width),
			height: Math.round(box.height),
			painted,
		};
	});
	ensure(info.tag === 'IMG', `${where}: the icon is a <${info.tag.toLowerCase()}>, not an <img> of the package's file`);
	ensure(
		info.src.includes('/n8n-nodes-okdokument/') || /\/icons\/CUSTOM\//.test(info.src),
		`${where}: icon src ${JSON.stringify(info.src)} does not point at the package`,
	);
	ensure(
		info.src.endsWith(`/${expectedFile}`),
		`${where}: icon src ${JSON.stringify(info.src)} is not ${expectedFile} (the ${theme} theme's icon)`,
	);
	ensure(info.complete && info.naturalWidth > 0, `${where}: icon ${info.src} did not load (naturalWidth ${info.naturalWidth})`);
	ensure(info.painted > 0, `${where}: icon ${info.src} paints nothing (${info.painted} opaque pixels of 3600)`);
	ensure(info.width > 0 && info.height > 0, `${where}: icon is ${info.width}×${info.height} on screen`);
	// The bytes n8n serves are our file (and not, say, a fallback or the other theme's file).
	// Fetched by the page itself: page.request would send n8n's cookie without the browser-id header the editor adds,
	// and n8n answers such a request by clearing the session cookie (signing the browser out).
	const served = await page.evaluate(async (src) => {
		const res = await fetch(src, { credentials: 'same-origin' });
		return { status: res.status, text: await res.text() };
	}, info.currentSrc || info.src);
	ensure(served.status === 200, `${where}: GET ${info.src} answered ${served.status}`);
	const body = normalizeSvg(served.text);
	const expected = normalizeSvg(fs.readFileSync(path.join(ICON_SOURCE_DIR, expectedFile), 'utf8'));
	ensure(body === expected, `${where}: ${info.src} is not the package's ${expectedFile}`);
	return `${where}: ${info.src} ${info.naturalWidth}×${info.naturalHeight}, shown ${info.width}×${info.height}, ${info.painted} px painted`;
}

/**
 * GET on n8n's REST API from inside the page, as the editor does it (with its browser-id header).
 * @param {EditorSession} s
 * @param {string} urlPath
 * @returns {Promise<any[]>}  the `data` array
 */
async function restGet(s, urlPath) {
	const answer = await s.page.evaluate(async (p) => {
		const res = await fetch(p, {
			credentials: 'same-origin',
			headers: { 'browser-id': window.localStorage.getItem('n8n-browserId') ?? '' },
		});
		return { status: res.status, json: await res.json().catch(() => undefined) };
	}, urlPath);
	ensure(answer.status === 200, `GET ${urlPath} answered ${answer.status}`);
	return Array.isArray(answer.json?.data) ? answer.json.data : [];
}

/**
 * POST to n8n's REST API as the signed-in editor does; answers `data`.
 * @param {EditorSession} s
 * @param {string} urlPath
 * @param {unknown} body
 */
async function restPost(s, urlPath, body) {
	const answer = await s.page.evaluate(
		async ({ p, b }) => {
			const res = await fetch(p, {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'content-type': 'application/json', 'browser-id': window.localStorage.getItem('n8n-browserId') ?? '' },
				body: JSON.stringify(b),
			});
			return { status: res.status, json: await res.json().catch(() => undefined) };
		},
		{ p: urlPath, b: body },
	);
	ensure(answer.status === 200, `POST ${urlPath} answered ${answer.status}: ${JSON.stringify(answer.json)?.slice(0, 300)}`);
	return answer.json?.data;
}

/**
 * The OKdokument Tool as the editor shows it to whoever wires it to an agent or an MCP Server Trigger: a saved
 * workflow with one tool node on Signature Request → Create, opened. The tool takes an existing document only: its
 * Source lists "Existing Document" alone, Document ID is asked for, and there is no Input Binary Field.
 * @param {EditorSession} s
 */
async function checkToolNdv(s) {
	const { page } = s;
	const workflow = await restPost(s, '/rest/workflows', {
		name: 'OKdokument Tool (editor check)',
		active: false,
		nodes: [
			{
				id: '0d7e3c1a-5b2f-4e8d-9a6c-1f3e5d7b9a01',
				name: 'Create a signature request',
				type: lib.TOOL_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'signatureRequest', operation: 'create' },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	ensure(typeof workflow?.id === 'string', `the workflow was not created: ${JSON.stringify(workflow)?.slice(0, 200)}`);
	await page.goto(`${s.url}/workflow/${workflow.id}`);
	const canvasNode = page.locator('[data-test-id="canvas-node"][data-node-type$=".okDokumentTool"]').first();
	await canvasNode.waitFor({ state: 'visible', timeout: 60_000 });
	await canvasNode.dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor({ state: 'visible', timeout: 30_000 });
	const params = ndv.getByTestId('node-parameters');
	await params.waitFor({ state: 'visible' });
	const source = params.getByTestId('parameter-input-source');
	const shown = await source.locator('input').first().inputValue();
	ensure(shown === 'Existing Document', `Source shows ${JSON.stringify(shown)}`);
	ensure(await params.getByTestId('parameter-input-documentId').first().isVisible(), 'the Document ID input is not visible');
	ensure(!(await params.getByTestId('parameter-input-binaryPropertyName').first().isVisible()), 'the tool shows an Input Binary Field');
	await source.click();
	const options = page.locator('.el-select-dropdown__item:visible');
	await options.first().waitFor({ state: 'visible', timeout: 10_000 });
	const listed = (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	await s.shot('ndv-tool-create');
	await page.keyboard.press('Escape');
	ensure(listed.length === 1 && listed[0] === 'Existing Document', `the Source list offers ${JSON.stringify(listed)}`);
	await closeNdv(s, ndv);
	return `Source = ${shown}, offered: ${listed.join(', ')}; Document ID shown; no Input Binary Field`;
}

/**
 * The NDV's fields and hints.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} ndv
 */
async function checkNdvFields(s, ndv) {
	const params = ndv.getByTestId('node-parameters');
	await params.waitFor({ state: 'visible' });
	for (const label of FIELD_LABELS) {
		const el = params.getByText(label, { exact: true }).first();
		ensure(await el.isVisible(), `label "${label}" is not visible in the NDV`);
	}
	for (const name of ['resource', 'operation', 'signatureRequestId', 'sendInfoUrl', 'resultUrl']) {
		const input = params.getByTestId(`parameter-input-${name}`).first();
		ensure(await input.isVisible(), `the ${name} input is not visible in the NDV`);
	}
	const resource = await params.getByTestId('parameter-input-resource').locator('input').first().inputValue();
	const operation = await params.getByTestId('parameter-input-operation').locator('input').first().inputValue();
	ensure(resource === 'Signature Request', `Resource shows ${JSON.stringify(resource)}, not "Signature Request"`);
	ensure(operation === 'Update', `Operation shows ${JSON.stringify(operation)}, not "Update"`);
	return { resource, operation };
}

/**
 * Each hint is visible, inside its own parameter's block, below its input.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} ndv
 */
async function checkNdvHints(s, ndv) {
	/** @type {string[]} */
	const seen = [];
	for (const [name, pattern] of Object.entries(HINTS)) {
		const block = ndv
			.getByTestId('parameter-item')
			// (`has` is matched inside each candidate, so it must be rooted at the page, not at the NDV.)
			.filter({ has: ndv.page().getByTestId(`parameter-input-${name}`) })
			.last();
		const hint = block.getByText(pattern).first();
		ensure(await hint.isVisible(), `the hint of ${name} (${pattern}) is not visible under its field`);
		const inputBox = await block.getByTestId(`parameter-input-${name}`).first().boundingBox();
		const hintBox = await hint.boundingBox();
		ensure(inputBox && hintBox && hintBox.y >= inputBox.y + inputBox.height - 1, `the hint of ${name} is not below its input`);
		seen.push(`${name}: "${(await hint.innerText()).replace(/\s+/g, ' ').trim()}"`);
	}
	return seen;
}

/**
 * Opens the "new credential" dialog from the NDV: 2.x has a "Connect to OKdokument" button (node-credentials-empty-state),
 * 1.x a credential select with "Create new credential".
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} ndv
 */
async function openNewCredentialDialog(s, ndv) {
	const { page } = s;
	const empty = ndv.getByTestId('node-credentials-empty-state');
	const select = ndv.getByTestId('node-credentials-select');
	await Promise.race([empty.waitFor({ state: 'visible' }), select.waitFor({ state: 'visible' })]);
	if (await empty.isVisible()) {
		await empty.locator('button').first().click();
	} else {
		await select.click();
		await page.getByTestId('node-credentials-select-item-new').click();
	}
	const modal = page.getByTestId('editCredential-modal');
	await modal.waitFor({ state: 'visible' });
	await modal.getByTestId('parameter-input-apiKey').waitFor({ state: 'visible' });
	const header = await modal.innerText();
	ensure(header.includes('OKdokument API'), 'the credential dialog does not name the type "OKdokument API"');
	return modal;
}

/**
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} modal
 * @param {{ apiKey: string, baseUrl?: string }} values
 */
async function fillCredential(s, modal, values) {
	const { page } = s;
	await modal.getByTestId('parameter-input-apiKey').locator('input').first().fill(values.apiKey);
	if (values.baseUrl !== undefined) {
		const env = modal.getByTestId('parameter-input-environment').locator('input').first();
		if ((await env.inputValue()) !== 'Custom') {
			await env.click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^\s*Custom/ }).first().click();
		}
		const baseUrl = modal.getByTestId('parameter-input-baseUrl').locator('input').first();
		await baseUrl.waitFor({ state: 'visible' });
		await baseUrl.fill(values.baseUrl);
		ensure((await env.inputValue()) === 'Custom', 'Environment did not switch to Custom');
	}
}

/**
 * The text of the credential dialog's test banner (failure or success), with "More details" expanded (2.x folds
 * the message under it).
 * @param {import('playwright-core').Locator} modal
 */
async function credentialBannerText(modal) {
	const more = modal.getByText('More details', { exact: true });
	if (await more.isVisible().catch(() => false)) {
		await more.click();
		await modal.page().waitForTimeout(300);
	}
	const text = await modal.innerText();
	const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
	const at = lines.findIndex((l) => TEST_FAILED.test(l) || TEST_OK.test(l));
	return at === -1 ? '' : lines.slice(at, at + 4).join(' | ');
}

/**
 * The version of a running n8n (its settings name it only to a signed-in user).
 * @param {string} url
 * @param {{ email: string, password: string }} owner
 * @returns {Promise<string>}
 */
async function versionOf(url, owner) {
	try {
		const login = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password }),
		});
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const settings = await fetch(`${url}/rest/settings`, { headers: { cookie } }).then((r) => r.json());
		return String(settings?.data?.versionCli ?? 'unknown');
	} catch {
		return 'unknown';
	}
}

/**
 * POST (or another method) with a JSON body on n8n's REST API from inside the page, as the editor sends it.
 * @param {EditorSession} s
 * @param {string} method
 * @param {string} urlPath
 * @param {unknown} body
 * @returns {Promise<any>}  the `data`
 */
async function restSend(s, method, urlPath, body) {
	const answer = await s.page.evaluate(
		async ({ m, p, b }) => {
			const res = await fetch(p, {
				method: m,
				credentials: 'same-origin',
				headers: { 'content-type': 'application/json', 'browser-id': window.localStorage.getItem('n8n-browserId') ?? '' },
				body: JSON.stringify(b),
			});
			return { status: res.status, text: await res.text() };
		},
		{ m: method, p: urlPath, b: body },
	);
	ensure(answer.status === 200, `${method} ${urlPath} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
	return JSON.parse(answer.text).data;
}

/** The documents the editor's sandbox gets for the Document ID check: the first is the workflow's, changed last. */
const LOCATOR_DOCUMENTS = [
	{ id: 'doc-e2e-saved-020', filename: 'saved-by-0.2.0.pdf', minutesAgo: 1 },
	{ id: 'doc-editor-contract', filename: 'Contract-2026.pdf', state: /** @type {const} */ ('signed'), minutesAgo: 60 },
	{ id: 'doc-editor-offer', filename: 'offer.pdf', minutesAgo: 120 },
	{ id: 'doc-editor-old-contract', filename: 'old contract.pdf', state: /** @type {const} */ ('canceled'), minutesAgo: 24 * 60 },
];

/**
 * The text of a visible input inside `scope` whose data-test-id is `testId` (on the <input> or on its wrapper).
 * @param {import('playwright-core').Locator} scope
 * @param {string} testId
 */
function inputIn(scope, testId) {
	return scope.locator(`input[data-test-id="${testId}"], [data-test-id="${testId}"] input`).first();
}

/**
 * Opens a canvas node's NDV by double-clicking it.
 * @param {EditorSession} s
 * @param {string} name
 */
async function openNode(s, name) {
	const node = s.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).first();
	await node.waitFor({ state: 'visible', timeout: 30_000 });
	await node.dblclick();
	const ndv = s.page.getByTestId('ndv');
	await ndv.waitFor({ state: 'visible', timeout: 30_000 });
	const locator = ndv.getByTestId('resource-locator-documentId');
	await locator.waitFor({ state: 'visible', timeout: 30_000 });
	return { ndv, locator };
}

/**
 * The names in the open From List, once its loading is over and `ready` holds for them.
 * @param {EditorSession} s
 * @param {(names: string[]) => boolean} ready
 * @param {string} what  for the message
 */
async function listedNames(s, ready, what) {
	// (n8n 2.x renders the dropdown's content outside the element that carries its data-test-id.)
	const items = s.page.getByTestId('rlc-item').filter({ visible: true });
	const deadline = Date.now() + 30_000;
	/** @type {string[]} */
	let names = [];
	for (;;) {
		names = (await items.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
		if (ready(names)) return names;
		if (Date.now() > deadline) throw new Error(`From List ${what}: it shows ${JSON.stringify(names)}`);
		await s.page.waitForTimeout(250);
	}
}

/**
 * Document ID in the editor: a 0.2.0 text value shows, From List lists, searches, reports a failure, and fills the field.
 * @param {EditorSession} s
 * @param {import('../../sandbox/server').Sandbox} sandbox
 */
async function checkDocumentLocator(s, sandbox) {
	const { page } = s;
	const now = Date.now();
	const documents = LOCATOR_DOCUMENTS.map(({ minutesAgo, ...document }) =>
		sandbox.addDocument({ ...document, content: Buffer.from('%PDF-1.4\n%%EOF\n'), date: now - minutesAgo * 60_000 }),
	);
	/** As the list names a document: file name, state and the minute of its last change. */
	const listName = (/** @type {typeof documents[number]} */ d) => `${d.filename} — ${d.state}, ${d.modification.slice(0, 16)}`;
	const credential = (await restGet(s, '/rest/credentials')).find((/** @type {{ type: string }} */ c) => c.type === lib.CREDENTIAL_TYPE);
	ensure(credential, 'no OKdokument credential is saved (the credential check saves one)');
	const saved = testWorkflow('document-id.json');
	const created = await restSend(s, 'POST', '/rest/workflows', {
		name: saved.name,
		nodes: saved.nodes.map((/** @type {any} */ node) =>
			node.credentials ? { ...node, credentials: { okDokumentApi: { id: credential.id, name: credential.name } } } : node,
		),
		connections: saved.connections,
		settings: saved.settings,
		// n8n 1.x stores what it is sent (no default for `active`); 2.x sets it itself.
		...(s.major === '1' && { active: false }),
	});
	await page.goto(`${s.url}/workflow/${created.id}`);
	const lines = [];

	// Saved by 0.2.0: an ID as text, and an expression as text.
	let { ndv, locator } = await openNode(s, 'Get, ID saved as text');
	const shownId = await inputIn(locator, 'rlc-input').inputValue();
	ensure(shownId === documents[0].id, `the Document ID saved as text shows ${JSON.stringify(shownId)}, not ${documents[0].id}`);
	await s.shot('document-id-saved-as-text');
	lines.push(`0.2.0's text "${documents[0].id}" shows in the field`);
	await closeNdv(s, ndv);
	({ ndv, locator } = await openNode(s, 'Get, expression saved as text'));
	const expression = (await locator.innerText()).replace(/\s+/g, ' ');
	ensure(expression.includes('{{ $json.id }}'), `the expression saved as text shows ${JSON.stringify(expression)}`);
	lines.push(`0.2.0's expression shows as "{{ $json.id }}"`);
	await closeNdv(s, ndv);

	// From List, on the node saved with text: OKdokument's failure first, then the list.
	({ ndv, locator } = await openNode(s, 'Get, ID saved as text'));
	await locator.getByTestId('rlc-mode-selector').click();
	await page.getByTestId('mode-list').filter({ visible: true }).first().click();
	sandbox.clearRequests();
	sandbox.setFault({ type: 'status', status: 400, body: { message: 'err.list.unavailable', value: '' }, path: '/JSON/list/flat', times: 1 });
	await inputIn(locator, 'rlc-input').click();
	const error = page.getByTestId('rlc-error-container').filter({ visible: true }).first();
	await error.waitFor({ state: 'visible', timeout: 30_000 });
	const errorText = (await error.innerText()).replace(/\s+/g, ' ').trim();
	ensure(/400 - OKdokument rejected the request \(HTTP 400: err\.list\.unavailable\)/.test(errorText), `the failed list says: ${errorText}`);
	await s.shot('document-id-list-failed');
	lines.push(`a failed list shows: ${errorText}`);
	await ndv.getByTestId('node-parameters').getByText('Operation', { exact: true }).first().click();
	await inputIn(locator, 'rlc-input').click();
	const expected = documents.map(listName);
	const listed = await listedNames(s, (names) => names.length >= expected.length, `does not list the ${expected.length} documents`);
	ensure(JSON.stringify(listed) === JSON.stringify(expected), `From List shows ${JSON.stringify(listed)}, expected ${JSON.stringify(expected)}`);
	await s.shot('document-id-from-list');
	lines.push(`From List: ${listed.join(' | ')}`);

	const search = page.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input').filter({ visible: true }).first();
	await search.fill('CONTRACT');
	const contracts = documents.filter((d) => /contract/i.test(d.filename)).map(listName);
	const found = await listedNames(s, (names) => JSON.stringify(names) === JSON.stringify(contracts), `searched for "CONTRACT" does not show only ${JSON.stringify(contracts)}`);
	await s.shot('document-id-search');
	lines.push(`search "CONTRACT": ${found.join(' | ')}`);
	await page.getByTestId('rlc-item').filter({ visible: true, hasText: contracts[0] }).first().click();
	const picked = await inputIn(locator, 'rlc-input').inputValue();
	ensure(picked === contracts[0], `after picking, the field shows ${JSON.stringify(picked)}`);
	lines.push(`picked: "${picked}"`);
	const lists = sandbox.requests.filter((r) => r.path === '/JSON/list/flat');
	ensure(lists.length >= 3, `the sandbox got ${lists.length} list requests (a failed one, the list, the search)`);
	ensure(lists.every((r) => r.query.state === '*' && r.headers['x-api-key'] === GOOD_KEY), 'a list request without state=* or the key');
	await s.shot('document-id-picked');
	await closeNdv(s, ndv);
	return lines.join('\n');
}

/* ------------------------------------------------------------------------------------------------ the checks */

/**
 * @typedef {object} EditorCheckOptions
 * @property {string} [version]     "1" or "2" (default "2"); ignored with `url`
 * @property {string} [tarball]     packed package; packed from this repository when missing
 * @property {string} [url]         use an n8n that is already running (package installed, owner set up) instead
 * @property {{ email: string, password: string }} [owner]  sign-in for `url` (default: the owner startN8n creates)
 * @property {boolean} [docsImages] also write docs/images/node-panel.png, docs/images/ndv.png and docs/images/send-and-wait.png
 * @property {boolean} [acceptN8n1Generic401]  on n8n 1.x, accept n8n's own 401 text instead of ours (see N8N1_GENERIC_401)
 * @property {(line: string) => void} [print]
 */

/**
 * Runs the editor checks against one n8n version. Never throws for a failed check; the result lists every check.
 * @param {EditorCheckOptions} [options]
 * @returns {Promise<{ passed: number, failed: number, details: CheckResult[], n8nVersion?: string, screenshotsDir?: string, ms: number }>}
 */
async function runEditorChecks(options = {}) {
	const print = options.print ?? say;
	const started = Date.now();
	const checks = new Checks(print, 'editor');
	const major = String(options.version ?? '2').replace(/^v/, '');
	/** @type {Array<() => Promise<void>>} */
	const cleanup = [];
	/** @type {string | undefined} */
	let n8nVersion;
	/** @type {string | undefined} */
	let screenshotsDir;
	/** @type {string[]} */
	const pageErrors = [];
	/** The n8n user folder we made (deleted when everything passed, kept for its n8n.log otherwise). @type {string[]} */
	const instanceFolders = [];

	try {
		// ---------------------------------------------------------------- set-up: sandbox, n8n, browser
		const sandbox = await startSandbox({ apiKeys: { [GOOD_KEY]: { permitted: true } } });
		cleanup.push(() => sandbox.stop());

		/** @type {string} */
		let url;
		/** @type {{ email: string, password: string }} */
		let owner;
		/** @type {string} */
		let effectiveMajor = major;
		if (options.url) {
			url = options.url.replace(/\/+$/, '');
			owner = options.owner ?? { email: lib.OWNER.email, password: lib.OWNER.password };
			n8nVersion = await versionOf(url, owner);
			effectiveMajor = String(n8nVersion).split('.')[0];
			print(`editor checks: n8n ${n8nVersion} at ${url} (already running)`);
		} else {
			const setupStarted = Date.now();
			const tarball = options.tarball ?? (await lib.packTarball({ repoDir: REPO, outDir: path.join(E2E_ROOT, 'pack') }));
			const instance = await lib.createInstance({
				version: major,
				root: E2E_ROOT,
				userFolder: path.join(E2E_ROOT, `editor-n8n-${major}`),
				reset: true,
			});
			n8nVersion = instance.n8nVersion;
			instanceFolders.push(instance.requestedFolder, instance.userFolder);
			await lib.installPackage(instance, tarball);
			const n8n = await lib.startN8n(instance, { port: await lib.freePort(), host: '127.0.0.1' });
			cleanup.push(() => n8n.stop());
			url = n8n.url;
			owner = n8n.owner;
			print(`editor checks: n8n ${n8nVersion} at ${url}, package ${path.basename(tarball)} (set-up ${seconds(Date.now() - setupStarted)})`);
		}

		screenshotsDir = path.join(SCREENSHOTS_ROOT, String(n8nVersion));
		fs.rmSync(screenshotsDir, { recursive: true, force: true });
		fs.mkdirSync(screenshotsDir, { recursive: true });
		const shotsDir = screenshotsDir;

		const browser = await launchBrowser();
		cleanup.push(browser.close);
		const { page } = browser;
		page.on('pageerror', (error) => pageErrors.push(error.message));
		// Leaving an unsaved workflow asks "leave this page?" (beforeunload): leave.
		page.on('dialog', (dialog) => {
			dialog.accept().catch(() => {});
		});

		let shotNo = 0;
		/** @type {EditorSession} */
		const s = {
			page,
			url,
			major: effectiveMajor,
			shot: async (name, shotOptions = {}) => {
				const file = path.join(shotsDir, `${String(++shotNo).padStart(2, '0')}-${name}.png`);
				await page.screenshot({ path: file, ...shotOptions }).catch((error) => print(`      (screenshot ${name} failed: ${error.message})`));
				checks.shots.push(path.relative(REPO, file));
				return file;
			},
		};
		/** On failure, a screenshot of whatever the page shows. @param {() => Promise<string | void>} fn */
		const withFailureShot = (fn) => async () => {
			try {
				return await fn();
			} catch (error) {
				await s.shot('failure');
				throw error;
			}
		};

		// ---------------------------------------------------------------- sign in
		const signedIn = await checks.run(
			'editor: the owner signs in through the sign-in form',
			withFailureShot(async () => {
				await signIn(s, owner);
				return `landed on ${new URL(page.url()).pathname}`;
			}),
		);

		// ---------------------------------------------------------------- light theme: node panel, add, icons, NDV
		/** @type {import('playwright-core').Locator | undefined} */
		let panelItem;
		const found =
			signedIn &&
			(await checks.run(
				'node panel: searching "OKdokument" finds the node (light theme)',
				withFailureShot(async () => {
					await openNewWorkflow(s, 'light');
					panelItem = await searchNodePanel(s);
					const text = (await panelItem.innerText()).replace(/\s+/g, ' ').trim();
					await s.shot('node-panel-light');
					if (options.docsImages) await docsImage(s, 'node-panel.png', await panelClip(s, panelItem));
					return `entry: "${text}"`;
				}),
			));
		if (!signedIn) checks.skip('node panel: searching "OKdokument" finds the node (light theme)', 'sign-in failed');

		/** @type {string | undefined} */
		let panelIconSummary;
		if (found && panelItem) {
			panelIconSummary = await checkIcon(s, panelItem.locator('img').first(), 'light', 'node panel').catch((error) => `FAILED ${error.message}`);
		}

		/** @type {{ ndv: import('playwright-core').Locator, canvasNode: import('playwright-core').Locator } | undefined} */
		let added;
		const addName = 'node panel: picking "Update a signature request" adds the node to the workflow and opens it';
		if (found && panelItem) {
			const item = panelItem;
			await checks.run(
				addName,
				withFailureShot(async () => {
					added = await addNodeFromPanel(s, item, async () => {
						await s.shot('node-panel-actions-light');
					});
					const count = await added.canvasNode.count();
					ensure(count === 1, `${count} OKdokument nodes on the canvas, expected 1`);
					const type = await added.canvasNode.first().getAttribute('data-node-type');
					return `canvas node type ${type}; NDV open`;
				}),
			);
		} else checks.skip(addName, 'the node panel did not list the node');

		const fieldsName = 'NDV: Resource, Operation, Signature Request ID, Send Info URL and Result URL are shown';
		const hintsName = 'NDV: the hints of Send Info URL (Wait for Signature) and Result URL (browser redirect) are visible';
		if (added) {
			const { ndv } = added;
			await checks.run(
				fieldsName,
				withFailureShot(async () => {
					const { resource, operation } = await checkNdvFields(s, ndv);
					await s.shot('ndv-light');
					if (options.docsImages) await docsImage(s, 'ndv.png', await ndvClip(s, ndv));
					return `Resource = ${resource}, Operation = ${operation}`;
				}),
			);
			await checks.run(
				hintsName,
				withFailureShot(async () => (await checkNdvHints(s, ndv)).join('\n')),
			);
		} else {
			checks.skip(fieldsName, 'the node was not added');
			checks.skip(hintsName, 'the node was not added');
		}

		// ---------------------------------------------------------------- credential dialog
		const wrongName = `credential: a wrong key fails the test with "${WRONG_KEY_TEXT}"`;
		const goodName = 'credential: a good key (environment Custom, base URL = sandbox) reports "Connection tested successfully"';
		if (added) {
			const { ndv } = added;
			/** @type {import('playwright-core').Locator | undefined} */
			let modal;
			const wrongOk = await checks.run(
				wrongName,
				withFailureShot(async () => {
					modal = await openNewCredentialDialog(s, ndv);
					await s.shot('credential-dialog');
					await fillCredential(s, modal, { apiKey: WRONG_KEY, baseUrl: sandbox.url });
					sandbox.clearRequests();
					await modal.getByTestId('credential-save-button').click();
					// n8n saves the credential, then tests it.
					await modal.getByText(TEST_FAILED).first().waitFor({ state: 'visible', timeout: 30_000 });
					const banner = await credentialBannerText(modal);
					await s.shot('credential-wrong-key');
					const asked = sandbox.requests.filter((r) => r.path === '/JSON/counter');
					ensure(asked.length > 0, 'the sandbox got no GET /JSON/counter: the test did not reach it');
					ensure(asked.every((r) => r.headers['x-api-key'] === WRONG_KEY), 'the test did not send the wrong key in x-api-key');
					if (banner.includes(WRONG_KEY_TEXT)) return `shown: ${banner}`;
					if (effectiveMajor === '1' && banner.includes(N8N1_GENERIC_401)) {
						const why =
							`n8n ${n8nVersion} shows its own 401 text, not ours: ${banner}\n` +
							"(n8n 1.x's credential tester applies test.rules only when error.cause has the response, and n8n-workflow 1.x's " +
							'NodeApiError drops cause; n8n 2.x shows our text)';
						if (options.acceptN8n1Generic401) return `accepted (--accept-n8n1-401-text): ${why}`;
						throw new Error(why);
					}
					throw new Error(`the failure does not contain "${WRONG_KEY_TEXT}": ${banner || '(no banner text)'}`);
				}),
			);
			if (modal) {
				const dialog = modal;
				await checks.run(
					goodName,
					withFailureShot(async () => {
						await fillCredential(s, dialog, { apiKey: GOOD_KEY });
						sandbox.clearRequests();
						// "Retry" tests what the dialog holds now, without saving; then Save stores the good key.
						await dialog.getByRole('button', { name: /Retry/ }).first().click();
						const success = dialog.getByTestId('credentials-config-container-test-success');
						await success.waitFor({ state: 'visible', timeout: 30_000 });
						const text = (await success.innerText()).replace(/\s+/g, ' ').replace(/\s*Retry\s*$/, '').trim();
						ensure(TEST_OK.test(text), `the success banner says "${text}"`);
						ensure(!(await dialog.getByText(TEST_FAILED).first().isVisible()), 'the failure banner is still shown');
						await s.shot('credential-good-key');
						const asked = sandbox.requests.filter((r) => r.path === '/JSON/counter');
						ensure(asked.some((r) => r.headers['x-api-key'] === GOOD_KEY), 'the sandbox got no GET /JSON/counter with the good key');
						await dialog.getByTestId('credential-save-button').click();
						// 2.x closes the dialog opened from the NDV once the saved credential tests fine; 1.x keeps it open.
						await Promise.race([
							dialog.waitFor({ state: 'hidden', timeout: 30_000 }),
							dialog.getByText('Saved', { exact: true }).waitFor({ state: 'visible', timeout: 30_000 }),
						]);
						if (await dialog.isVisible()) {
							ensure(TEST_OK.test(await dialog.innerText()), 'after saving the good key the dialog no longer reports success');
							await closeDialog(dialog);
						}
						const saved = (await restGet(s, '/rest/credentials')).filter(
							(/** @type {{ type: string }} */ c) => c.type === lib.CREDENTIAL_TYPE,
						);
						ensure(saved.length > 0, 'no okDokumentApi credential was saved');
						return `shown: ${text}; saved as "${saved[saved.length - 1].name}"`;
					}),
				);
			} else checks.skip(goodName, 'the credential dialog did not open');
			void wrongOk;
			// Whatever happened above, leave no dialog over the NDV.
			const leftOpen = page.getByTestId('editCredential-modal');
			if (await leftOpen.isVisible().catch(() => false)) await closeDialog(leftOpen).catch(() => {});
		} else {
			checks.skip(wrongName, 'the node was not added');
			checks.skip(goodName, 'the node was not added');
		}

		// ---------------------------------------------------------------- icons, light theme
		const lightName = `icon (light theme): node panel, canvas and NDV show the package's ${ICON_LIGHT}, loaded and painted`;
		if (added && panelIconSummary) {
			const { ndv, canvasNode } = added;
			const panelSummary = panelIconSummary;
			await checks.run(
				lightName,
				withFailureShot(async () => {
					if (panelSummary.startsWith('FAILED ')) throw new Error(panelSummary.slice('FAILED '.length));
					const lines = [panelSummary];
					if (await ndv.isVisible()) {
						lines.push(await checkIcon(s, ndv.locator('img[src*="okdokument"]').first(), 'light', 'NDV header'));
						await closeNdv(s, ndv);
					}
					lines.push(await checkIcon(s, canvasNode.first().locator('img').first(), 'light', 'canvas'));
					await s.shot('canvas-light');
					await s.shot('canvas-node-light', { clip: await around(canvasNode.first(), 40) });
					return lines.join('\n');
				}),
			);
		} else checks.skip(lightName, 'the node was not added');

		// ---------------------------------------------------------------- dark theme
		const darkName = `icon (dark theme): node panel, canvas and NDV show the package's ${ICON_DARK}, loaded and painted`;
		if (signedIn && found) {
			await checks.run(
				darkName,
				withFailureShot(async () => {
					await openNewWorkflow(s, 'dark');
					const item = await searchNodePanel(s);
					await s.shot('node-panel-dark');
					const lines = [await checkIcon(s, item.locator('img').first(), 'dark', 'node panel')];
					const { ndv, canvasNode } = await addNodeFromPanel(s, item);
					lines.push(await checkIcon(s, ndv.locator('img[src*="okdokument"]').first(), 'dark', 'NDV header'));
					await s.shot('ndv-dark');
					await closeNdv(s, ndv);
					lines.push(await checkIcon(s, canvasNode.first().locator('img').first(), 'dark', 'canvas'));
					await s.shot('canvas-dark');
					await s.shot('canvas-node-dark', { clip: await around(canvasNode.first(), 40) });
					return lines.join('\n');
				}),
			);
		} else checks.skip(darkName, 'the node panel did not list the node');

		// ---------------------------------------------------------------- Send and Wait for Signature
		const sendAndWaitName = `node panel: "${SEND_AND_WAIT_ACTION}" is listed once; its NDV explains the wait and what a time-out gives`;
		if (signedIn && found) {
			await checks.run(
				sendAndWaitName,
				withFailureShot(async () => {
					await openNewWorkflow(s, 'light');
					const item = await searchNodePanel(s);
					/** @type {Record<string, number>} */
					const listed = {};
					const { ndv } = await addNodeFromPanel(
						s,
						item,
						async () => {
							for (const text of [SEND_AND_WAIT_ACTION, UPDATE_ACTION]) {
								listed[text] = await page.getByTestId('item-iterator-item').filter({ hasText: text }).count();
							}
							await s.shot('node-panel-send-and-wait');
						},
						SEND_AND_WAIT_ACTION,
					);
					for (const [text, count] of Object.entries(listed)) ensure(count === 1, `the node panel lists "${text}" ${count} times`);
					const params = ndv.getByTestId('node-parameters');
					await params.waitFor({ state: 'visible' });
					const operation = await params.getByTestId('parameter-input-operation').locator('input').first().inputValue();
					ensure(operation === 'Send and Wait for Signature', `Operation shows ${JSON.stringify(operation)}`);
					for (const text of SEND_AND_WAIT_TEXTS) {
						ensure(await params.getByText(text).first().isVisible(), `the NDV shows no text matching ${text}`);
					}
					for (const name of ['source', 'binaryPropertyName', 'limitWaitTime', 'downloadSignedPdf', 'outputBinaryPropertyName']) {
						ensure(await params.getByTestId(`parameter-input-${name}`).first().isVisible(), `the ${name} input is not visible`);
					}
					ensure(!(await params.getByTestId('parameter-input-sendInfoUrl').first().isVisible()), 'Send and Wait must not offer a Send Info URL');
					await s.shot('ndv-send-and-wait');
					if (options.docsImages) await docsImage(s, 'send-and-wait.png', await ndvClip(s, ndv, 'limitWaitTime'));
					await closeNdv(s, ndv);
					return `Operation = ${operation}; actions listed: ${Object.entries(listed).map(([t, c]) => `"${t}" ×${c}`).join(', ')}`;
				}),
			);
		} else checks.skip(sendAndWaitName, 'the node panel did not list the node');
		// ---------------------------------------------------------------- Document ID: 0.2.0's text, From List
		const locatorName =
			'Document ID: saved by 0.2.0 as text it still shows; From List lists the sandbox’s documents (latest change first), searches them, says why it failed';
		if (signedIn) {
			await checks.run(
				locatorName,
				withFailureShot(async () => await checkDocumentLocator(s, sandbox)),
			);
		} else checks.skip(locatorName, 'sign-in failed');
		// ---------------------------------------------------------------- the OKdokument Tool (AI agents, MCP clients)
		const toolName = 'OKdokument Tool: Create offers Source "Existing Document" only, asks for a Document ID and shows no Input Binary Field';
		if (signedIn) await checks.run(toolName, withFailureShot(async () => await checkToolNdv(s)));
		else checks.skip(toolName, 'sign-in failed');
		// Leave the profile as we found it (it is deleted anyway).
		await page.evaluate(() => window.localStorage.removeItem('N8N_THEME')).catch(() => {});
	} catch (error) {
		// Set-up failed (pack, install, n8n start, sandbox, browser): one failed check says why.
		const message = error instanceof Error ? error.message : String(error);
		checks.results.push({ name: 'editor checks: set-up', ok: false, ms: Date.now() - started, error: message });
		print(`  ✗ editor checks: set-up`);
		print(indent(message, '      '));
	} finally {
		for (const fn of cleanup.reverse()) {
			await fn().catch((error) => print(`      (clean-up: ${error instanceof Error ? error.message : String(error)})`));
		}
	}
	if (checks.failed === 0) {
		for (const folder of instanceFolders) fs.rmSync(folder, { recursive: true, force: true });
	} else if (instanceFolders.length > 0) {
		print(`      n8n's user folder (with n8n.log) is kept: ${path.relative(REPO, instanceFolders[0])}`);
	}
	if (pageErrors.length > 0 && checks.failed > 0) {
		print(`      uncaught errors in the page: ${[...new Set(pageErrors)].slice(0, 5).join(' | ')}`);
	}
	const ms = Date.now() - started;
	print(
		`editor checks, n8n ${n8nVersion ?? major}: ${checks.passed} passed, ${checks.failed} failed in ${seconds(ms)}` +
			(screenshotsDir ? ` (screenshots: ${path.relative(REPO, screenshotsDir)}/)` : ''),
	);
	return { passed: checks.passed, failed: checks.failed, details: checks.results, n8nVersion, screenshotsDir, ms };
}

/**
 * Closes the NDV (1.x "Back to canvas", 2.x the close button; Escape in both).
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} ndv
 */
async function closeNdv(s, ndv) {
	const close = s.page.getByTestId('ndv-close-button').or(s.page.getByTestId('back-to-canvas')).first();
	if (await close.isVisible().catch(() => false)) await close.click();
	else await s.page.keyboard.press('Escape');
	await ndv.waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * Closes the credential dialog with its × (or Escape).
 * @param {import('playwright-core').Locator} dialog
 */
async function closeDialog(dialog) {
	const page = dialog.page();
	const close = page.locator('.el-dialog__headerbtn:visible, [aria-label="Close this dialog"]:visible').last();
	if (await close.isVisible().catch(() => false)) await close.click();
	else await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * A screenshot clip around an element.
 * @param {import('playwright-core').Locator} locator
 * @param {number} pad
 */
async function around(locator, pad) {
	const box = await locator.boundingBox();
	ensure(box, 'element has no box');
	const x = Math.max(0, Math.round(box.x - pad));
	const y = Math.max(0, Math.round(box.y - pad));
	return {
		x,
		y,
		width: Math.min(VIEWPORT.width - x, Math.round(box.width + 2 * pad)),
		height: Math.min(VIEWPORT.height - y, Math.round(box.height + 2 * pad)),
	};
}

/* ------------------------------------------------------------------------------------------------ docs images */

/**
 * The node panel (right-hand side, below the editor's header): its title, the search and the node's entry.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} item
 */
async function panelClip(s, item) {
	const box = await item.boundingBox();
	ensure(box, 'no node panel entry to frame');
	const x = Math.round(box.x);
	const y = 64;
	const bottom = Math.min(VIEWPORT.height, Math.round(box.y + box.height + 16));
	return { x, y, width: VIEWPORT.width - x, height: bottom - y };
}

/**
 * The NDV's parameters column, from its tabs to the block of a field (the Result URL unless told) and its hint.
 * @param {EditorSession} s
 * @param {import('playwright-core').Locator} ndv
 * @param {string} [lastField]
 */
async function ndvClip(s, ndv, lastField = 'resultUrl') {
	const params = await ndv.getByTestId('node-parameters').boundingBox();
	const tab = await ndv.getByTestId('tab-params').first().boundingBox();
	const resultUrl = await ndv
		.getByTestId('parameter-item')
		.filter({ has: s.page.getByTestId(`parameter-input-${lastField}`) })
		.last()
		.boundingBox();
	ensure(params && tab && resultUrl, 'no NDV parameters to frame');
	const x = Math.max(0, Math.round(Math.min(params.x, tab.x) - 8));
	const right = Math.round(params.x + params.width + 8);
	const y = Math.max(0, Math.round(tab.y - 10));
	const bottom = Math.min(VIEWPORT.height, Math.round(resultUrl.y + resultUrl.height + 14));
	return { x, y, width: right - x, height: bottom - y };
}

/**
 * @param {EditorSession} s
 * @param {string} name
 * @param {{ x: number, y: number, width: number, height: number }} clip
 */
async function docsImage(s, name, clip) {
	fs.mkdirSync(DOCS_IMAGES, { recursive: true });
	const file = path.join(DOCS_IMAGES, name);
	await s.page.screenshot({ path: file, clip });
	const size = fs.statSync(file).size;
	if (size > 150 * 1024) say(`      (docs image ${name} is ${Math.round(size / 1024)} KB, over 150 KB)`);
}

/* ------------------------------------------------------------------------------------------------ CLI */

const USAGE = `Usage:
  node test/e2e/editor.js [--version 1|2|all] [--docs-images] [--accept-n8n1-401-text]
  node test/e2e/editor.js --url http://127.0.0.1:5678 [--email E --password P] [--docs-images]

Packs the package, installs it into a fresh n8n (1.123.81 and/or 2.41.1), starts it with the local sandbox, and checks
the editor in Debian's Chromium (${CHROMIUM}). Screenshots: .e2e/screenshots/<n8n version>/.
--url checks an n8n that is already running (package installed, owner set up); default sign-in: ${lib.OWNER.email}.`;

/**
 * @param {string[]} argv
 */
function parseArgs(argv) {
	/** @type {{ versions: string[], url?: string, email?: string, password?: string, docsImages: boolean, acceptN8n1Generic401: boolean }} */
	const args = { versions: ['1', '2'], docsImages: false, acceptN8n1Generic401: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		if (flag === '--version' || flag === '-v') {
			const v = value();
			if (v === 'all' || v === 'both') args.versions = ['1', '2'];
			else if (v === '1' || v === '2') args.versions = [v];
			else throw new Error(`--version takes 1, 2 or all, not "${v}"`);
		} else if (flag === '--url') args.url = value();
		else if (flag === '--email') args.email = value();
		else if (flag === '--password') args.password = value();
		else if (flag === '--docs-images') args.docsImages = true;
		else if (flag === '--accept-n8n1-401-text') args.acceptN8n1Generic401 = true;
		else if (flag === '--help' || flag === '-h') {
			say(USAGE);
			process.exit(0);
		} else throw new Error(`Unknown argument "${argv[i]}"\n\n${USAGE}`);
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	if (!process.env.CHROMIUM_PATH) await debian.ensureDebianPackages({ needed: [debian.CHROMIUM] }, (line) => say(`editor: ${line}`));
	let passed = 0;
	let failed = 0;
	if (args.url) {
		const owner = {
			email: args.email ?? lib.OWNER.email,
			password: args.password ?? lib.OWNER.password,
		};
		const result = await runEditorChecks({ url: args.url, owner, docsImages: args.docsImages, acceptN8n1Generic401: args.acceptN8n1Generic401 });
		passed += result.passed;
		failed += result.failed;
	} else {
		const packStarted = Date.now();
		const tarball = await lib.packTarball({ repoDir: REPO, outDir: path.join(E2E_ROOT, 'pack') });
		say(`packed ${path.relative(REPO, tarball)} (${seconds(Date.now() - packStarted)})`);
		for (const version of args.versions) {
			say(`\nn8n ${version}.x: editor in Chromium`);
			const result = await runEditorChecks({
				version,
				tarball,
				// The 2.x editor is the one users see now: it makes the README's pictures.
				docsImages: args.docsImages && version === args.versions[args.versions.length - 1],
				acceptN8n1Generic401: args.acceptN8n1Generic401,
			});
			passed += result.passed;
			failed += result.failed;
		}
	}
	say(`\neditor: ${passed} passed, ${failed} failed (${seconds(Date.now() - started)})`);
	return failed === 0 ? 0 : 1;
}

module.exports = { runEditorChecks, CHROMIUM_FLAGS };

if (require.main === module) {
	main().then(
		(code) => {
			process.exitCode = code;
		},
		(error) => {
			say(`editor: ERROR ${error instanceof Error ? error.stack || error.message : String(error)}`);
			process.exitCode = 1;
		},
	);
}
