// @ts-check
'use strict';

/**
 * The probe's document: a one-page PDF with two empty signature fields, a compulsory and an optional one, so that
 * Create's `allowedFields` names fields that exist and the request has something to sign even with signing anywhere
 * turned off (the probe's rules do that).
 */

const SIGNATURE_FIELDS = ['SC_signature', 'SO_signature'];

/** @param {string} text */
const pdfText = (text) => text.replace(/[()\\]/g, '\\$&');

/** @param {string} title a line printed on the page */
function probePdf(title) {
	const lines = [title, 'Uploaded by npm run probe (n8n-nodes-okdokument), deleted again by it.', 'Nobody needs to sign it.'];
	const text = lines.map((line, i) => `BT /F1 12 Tf 50 ${760 - i * 20} Td (${pdfText(line)}) Tj ET`).join('\n');
	const boxes = SIGNATURE_FIELDS.map((_, i) => `${50 + i * 250} 100 200 60 re S`).join('\n');
	const stream = `${text}\n${boxes}\n`;
	const fieldRefs = SIGNATURE_FIELDS.map((_, i) => `${6 + i} 0 R`).join(' ');
	const objects = [
		`<</Type/Catalog/Pages 2 0 R/AcroForm<</Fields[${fieldRefs}]>>>>`,
		'<</Type/Pages/Kids[3 0 R]/Count 1>>',
		`<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>/Annots[${fieldRefs}]>>`,
		`<</Length ${Buffer.byteLength(stream, 'latin1')}>>stream\n${stream}endstream`,
		'<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
		...SIGNATURE_FIELDS.map(
			(name, i) => `<</Type/Annot/Subtype/Widget/FT/Sig/T(${name})/Rect[${50 + i * 250} 100 ${250 + i * 250} 160]/F 4/P 3 0 R>>`,
		),
	];
	let pdf = '%PDF-1.4\n';
	/** @type {number[]} */
	const offsets = [];
	objects.forEach((body, i) => {
		offsets.push(Buffer.byteLength(pdf, 'latin1'));
		pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
	});
	const xref = Buffer.byteLength(pdf, 'latin1');
	pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	pdf += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
	pdf += `trailer\n<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(pdf, 'latin1');
}

module.exports = { probePdf, SIGNATURE_FIELDS };
