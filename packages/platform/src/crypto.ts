/**
 * Byte and digest helpers on Web Crypto, the one place for hex, base64url and
 * secret comparison, so every token and digest is encoded the same way.
 */
const encoder = new TextEncoder();

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes; a table lookup, as every request's trace and span ids come through here. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let hex = "";
	for (const byte of view) hex += HEX_BYTES[byte];
	return hex;
}

/** The bytes of a hex string; null when it is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | null {
	if (!/^(?:[0-9a-f]{2})+$/i.test(text)) return null;
	return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** `byteCount` random bytes as hex. */
export function randomHex(byteCount: number): string {
	return toHex(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** Unpadded base64url, safe in URLs and headers. */
export function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replaceAll("=", "");
}

/** A random secret of `byteCount` bytes, as base64url. */
export function randomToken(byteCount: number): string {
	return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

export async function sha256Hex(text: string): Promise<string> {
	return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Compares a presented secret with a stored SHA-256 hex digest in constant time. */
export async function matchesHash(secret: string, storedHash: string): Promise<boolean> {
	return sameSecret(await sha256Hex(secret), storedHash);
}

/**
 * HMAC-SHA-256 of `message` under `key`, as base64url: a token derived from
 * what it stands for, so it can be handed out again without being stored.
 */
export async function hmacToken(key: string, message: string): Promise<string> {
	if (!key) throw new Error("an HMAC key is required");
	return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(key), encoder.encode(message))));
}

/** Imported keys by secret: a handful of secrets per isolate, so a few entries suffice (a rotated one drops out). */
const hmacKeys = new Map<string, Promise<CryptoKey>>();
const HMAC_KEYS_KEPT = 8;

/** The secret as a signing key, imported once per isolate (importKey was 0.06 ms of every order's CPU). */
function hmacKey(key: string): Promise<CryptoKey> {
	let imported = hmacKeys.get(key);
	if (!imported) {
		imported = crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
		// A failed import is not kept: the next call tries again.
		imported.catch(() => hmacKeys.delete(key));
		if (hmacKeys.size >= HMAC_KEYS_KEPT) hmacKeys.delete(hmacKeys.keys().next().value as string);
		hmacKeys.set(key, imported);
	}
	return imported;
}

/** Whether `presented` is `hmacToken(key, message)`, compared in constant time. */
export async function matchesHmacToken(key: string, message: string, presented: string): Promise<boolean> {
	return sameSecret(await hmacToken(key, message), presented);
}

/** Compares two secrets in constant time; only their lengths may differ observably. */
function sameSecret(expected: string, given: string): boolean {
	const a = encoder.encode(expected);
	const b = encoder.encode(given);
	return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}
