/** Hides a secret (the API key) in what an answer brings back, in each form an answer may write it. */
export interface Redactor {
	/** The text with every form of the secret replaced by ***. */
	text(text: string): string;
	/** A parsed answer with the secret replaced in every string (a JSON escape hides it from the text's check). */
	value<T>(value: T): T;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function encoded(secret: string): string | undefined {
	try {
		return encodeURIComponent(secret);
	} catch {
		return undefined;
	}
}

/**
 * The secret as a server may echo it: as it is, escaped in JSON, encoded in a URL (a redirect's Location) or
 * escaped in HTML (an error page). A secret shorter than 4 characters is not hidden: it would mangle every text.
 */
export function redactor(secret: string): Redactor {
	const forms = [
		secret,
		JSON.stringify(secret).slice(1, -1),
		encoded(secret),
		secret.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]),
	].filter((form, index, all): form is string => form !== undefined && form.length >= 4 && all.indexOf(form) === index);
	const text = (value: string) =>
		forms.reduce((hidden, form) => (hidden.includes(form) ? hidden.split(form).join('***') : hidden), value);
	const value = <T>(input: T): T => {
		if (typeof input === 'string') return text(input) as T;
		if (Array.isArray(input)) return input.map(value) as T;
		if (typeof input === 'object' && input !== null) {
			return Object.fromEntries(Object.entries(input).map(([key, entry]) => [text(key), value(entry)])) as T;
		}
		return input;
	};
	return { text, value };
}
