// @ts-check
'use strict';

/**
 * Preloaded (`node -r`) into a script under test that must send nothing: every outgoing connection (plain, TLS, and
 * so fetch's too) is refused, and each attempt is written to stderr as `NETWORK ATTEMPT <where>`, for the test to find.
 */

const net = require('node:net');
const tls = require('node:tls');

/** @param {string} name */
const refuse = (name) =>
	function refused() {
		process.stderr.write(`NETWORK ATTEMPT ${name}\n`);
		throw new Error('no network in this test');
	};

net.connect = /** @type {typeof net.connect} */ (refuse('net.connect'));
net.createConnection = /** @type {typeof net.createConnection} */ (refuse('net.createConnection'));
tls.connect = /** @type {typeof tls.connect} */ (refuse('tls.connect'));
