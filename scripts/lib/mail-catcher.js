// @ts-check
'use strict';

/**
 * A mail server on loopback for the examples that send e-mail themselves (n8n's Send Email node, with the SMTP
 * credential `npm run dev` and the e2e run import): it speaks just enough SMTP for one client (nodemailer, which that
 * node uses), accepts every message without TLS or login, keeps it, and delivers nothing. `npm run dev` prints what
 * arrives; the e2e tests read it.
 */

const net = require('node:net');

/**
 * @typedef {object} CaughtMail
 * @property {string} from      the envelope's sender (MAIL FROM)
 * @property {string[]} to      the envelope's recipients (RCPT TO)
 * @property {string} subject   decoded
 * @property {string} text      the body, its transfer encoding undone (the raw MIME body if it is multipart)
 * @property {Record<string, string>} headers  lower-cased names, unfolded values
 * @property {number} receivedAt
 */

/**
 * @typedef {object} MailCatcher
 * @property {string} host
 * @property {number} port
 * @property {CaughtMail[]} mails  every message so far, oldest first (live)
 * @property {() => Promise<void>} stop
 */

/** @param {string} text */
function decodeQuotedPrintable(text) {
	const bytes = text
		.replace(/=\r?\n/g, '')
		.replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
	return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 encoded words (=?utf-8?Q?…?= or =?utf-8?B?…?=) in a header. @param {string} value */
function decodeHeader(value) {
	return value.replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=\s*/g, (_, kind, data) =>
		kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
	);
}

/**
 * @param {string} raw  the message as DATA carried it
 * @param {{ from: string, to: string[] }} envelope
 * @returns {CaughtMail}
 */
function parseMessage(raw, envelope) {
	const split = raw.indexOf('\r\n\r\n');
	const head = split === -1 ? raw : raw.slice(0, split);
	// The socket is read as latin1, one character per byte: the bytes are decoded as UTF-8 once their encoding is undone.
	const body = split === -1 ? '' : raw.slice(split + 4);
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
	const text =
		encoding === 'quoted-printable'
			? decodeQuotedPrintable(body)
			: encoding === 'base64'
				? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
				: Buffer.from(body, 'latin1').toString('utf8');
	return { ...envelope, subject: decodeHeader(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n'), headers, receivedAt: Date.now() };
}

/** The address in `MAIL FROM:<a@b>` or `RCPT TO:<a@b> …`. @param {string} line */
const addressOf = (line) => /<([^>]*)>/.exec(line)?.[1] ?? line.slice(line.indexOf(':') + 1).trim();

/**
 * @param {{ host?: string, port?: number, onMail?: (mail: CaughtMail) => void }} [options]  port 0 (default): a free one
 * @returns {Promise<MailCatcher>}
 */
async function startMailCatcher({ host = '127.0.0.1', port = 0, onMail } = {}) {
	/** @type {CaughtMail[]} */
	const mails = [];
	/** @type {Set<net.Socket>} */
	const sockets = new Set();

	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.setEncoding('latin1');
		const reply = (/** @type {string} */ text) => socket.write(`${text}\r\n`);
		/** @type {{ from: string, to: string[] }} */
		let envelope = { from: '', to: [] };
		/** @type {string[] | undefined} lines of the message while DATA is being received */
		let data;
		let pending = '';
		reply('220 mail-catcher ESMTP');
		socket.on('data', (chunk) => {
			pending += chunk;
			let end;
			while ((end = pending.indexOf('\r\n')) !== -1) {
				const line = pending.slice(0, end);
				pending = pending.slice(end + 2);
				if (data) {
					if (line === '.') {
						const mail = parseMessage(data.join('\r\n'), envelope);
						mails.push(mail);
						onMail?.(mail);
						data = undefined;
						envelope = { from: '', to: [] };
						reply('250 OK: caught');
					} else data.push(line.startsWith('..') ? line.slice(1) : line);
					continue;
				}
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO') reply('250-mail-catcher\r\n250-8BITMIME\r\n250 SMTPUTF8');
				else if (verb === 'HELO' || verb === 'NOOP') reply('250 OK');
				else if (verb === 'MAIL') {
					envelope = { from: addressOf(line), to: [] };
					reply('250 OK');
				} else if (verb === 'RCPT') {
					envelope.to.push(addressOf(line));
					reply('250 OK');
				} else if (verb === 'DATA') {
					data = [];
					reply('354 End data with <CR><LF>.<CR><LF>');
				} else if (verb === 'RSET') {
					envelope = { from: '', to: [] };
					reply('250 OK');
				} else if (verb === 'QUIT') {
					reply('221 Bye');
					socket.end();
				} else reply('502 Command not implemented');
			}
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	// Never what keeps a process alive.
	server.unref();
	const address = /** @type {net.AddressInfo} */ (server.address());
	return {
		host,
		port: address.port,
		mails,
		stop: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

/** The SMTP credential the examples name; `npm run dev` and the e2e run create it, pointing at a catcher. */
const EXAMPLE_SMTP_CREDENTIAL = Object.freeze({ id: 'smtpCatcher', name: 'SMTP mail catcher (npm run dev)' });

/**
 * The n8n credential (type `smtp`, as n8n's Send Email node uses it) that sends to this catcher: no TLS, no login.
 * @param {MailCatcher} catcher
 * @param {{ id: string, name: string }} credential
 */
function smtpCredential(catcher, { id, name }) {
	return { id, name, type: 'smtp', data: { user: '', password: '', host: catcher.host, port: catcher.port, secure: false, disableStartTls: true } };
}

module.exports = { EXAMPLE_SMTP_CREDENTIAL, startMailCatcher, smtpCredential };
