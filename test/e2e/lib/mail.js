// @ts-check
'use strict';

/**
 * The mail server of this e2e run (scripts/lib/mail-catcher.js): the examples that e-mail the signing link themselves
 * send through the SMTP credential the setup imports, which points here. One for the whole run, started on first use;
 * a check finds its own e-mails by their content.
 */

const { startMailCatcher } = require('../../../scripts/lib/mail-catcher');

/** @type {Promise<import('../../../scripts/lib/mail-catcher').MailCatcher> | undefined} */
let started;

function e2eMailCatcher() {
	started ??= startMailCatcher();
	return started;
}

module.exports = { e2eMailCatcher };
