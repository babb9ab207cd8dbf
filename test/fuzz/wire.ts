/**
 * What the oracles expect on the wire, written without the node's code: a path that names an ID as one segment,
 * whatever characters it holds.
 */

/** Characters a path segment may carry unescaped (RFC 3986 unreserved, and the sub-delimiters encodeURIComponent keeps). */
const SEGMENT = /^(?:[A-Za-z0-9\-._~!'()*]|%[0-9A-F]{2})+$/;

/**
 * Matches a request path `<prefix>/<segment>` whose one segment, percent-decoded, is `id`: no `/`, `?` or `#` of the
 * ID can end the segment or start a query, whatever the ID holds.
 */
export function pathNaming(prefix: string, id: string) {
	return {
		asymmetricMatch(actual: unknown): boolean {
			if (typeof actual !== 'string' || !actual.startsWith(`${prefix}/`)) return false;
			const segment = actual.slice(prefix.length + 1);
			if (!SEGMENT.test(segment)) return false;
			try {
				return decodeURIComponent(segment) === id;
			} catch {
				return false;
			}
		},
		toString: () => `PathNaming(${prefix}/<${JSON.stringify(id)}>)`,
		toAsymmetricMatcher: () => `PathNaming(${prefix}/<${JSON.stringify(id)}>)`,
	};
}
