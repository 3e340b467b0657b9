/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto, at 100,000
 * iterations (the most the Workers runtime allows), with a salt per account.
 * The stored form names its algorithm and cost so they can be raised later.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
	return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
	return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
	const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
	const hash = await derive(password, salt, iterations);
	return `pbkdf2-sha256$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** Constant-time check of a password against a stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, iterations, salt, hash] = stored.split("$");
	if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
	const expected = fromBase64(hash);
	const actual = await derive(password, fromBase64(salt), Number(iterations));
	if (actual.length !== expected.length) return false;
	let difference = 0;
	for (let index = 0; index < actual.length; index++) difference |= actual[index] ^ expected[index];
	return difference === 0;
}

/** Hashed when an email is unknown, so a miss costs as much time as a wrong password. */
export const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/** Why a password is too weak, or null when it is acceptable. */
export function passwordWeakness(password: string, email: string): string | null {
	if (password.length < 10) return "must be at least 10 characters";
	if (password.length > 128) return "must be at most 128 characters";
	if (!/[a-zA-Z]/.test(password) || !/[0-9]/.test(password)) return "must contain letters and digits";
	if (new Set(password).size < 5) return "must not repeat the same few characters";
	const local = email.split("@")[0]?.toLowerCase();
	if (local && local.length >= 4 && password.toLowerCase().includes(local)) return "must not contain your email";
	return null;
}
