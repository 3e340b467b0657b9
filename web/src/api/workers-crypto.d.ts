/**
 * For type-checking the server code behind `./types.ts`, never for the app.
 *
 * The web program checks the api worker's modules (it infers the API's types
 * from them) with the DOM's declarations and the Workers runtime's side by
 * side. Where both declare a global, the DOM's wins, and its Web Crypto is
 * narrower than the Workers runtime's: it has no `timingSafeEqual`, takes only
 * `ArrayBuffer`-backed views, and types `randomUUID()` as a template literal.
 * These add the Workers runtime's signatures (copied from
 * workers/api/worker-configuration.d.ts) as overloads, so server code checks
 * here as it does in its own program. Browsers have no `timingSafeEqual`.
 */

interface SubtleCrypto {
	encrypt(
		algorithm: string | SubtleCryptoEncryptAlgorithm,
		key: CryptoKey,
		plainText: ArrayBuffer | ArrayBufferView,
	): Promise<ArrayBuffer>;
	decrypt(
		algorithm: string | SubtleCryptoEncryptAlgorithm,
		key: CryptoKey,
		cipherText: ArrayBuffer | ArrayBufferView,
	): Promise<ArrayBuffer>;
	sign(
		algorithm: string | SubtleCryptoSignAlgorithm,
		key: CryptoKey,
		data: ArrayBuffer | ArrayBufferView,
	): Promise<ArrayBuffer>;
	verify(
		algorithm: string | SubtleCryptoSignAlgorithm,
		key: CryptoKey,
		signature: ArrayBuffer | ArrayBufferView,
		data: ArrayBuffer | ArrayBufferView,
	): Promise<boolean>;
	digest(algorithm: string | SubtleCryptoHashAlgorithm, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer>;
	deriveBits(
		algorithm: string | SubtleCryptoDeriveKeyAlgorithm,
		baseKey: CryptoKey,
		length?: number | null,
	): Promise<ArrayBuffer>;
	importKey(
		format: string,
		keyData: ArrayBuffer | ArrayBufferView | JsonWebKey,
		algorithm: string | SubtleCryptoImportKeyAlgorithm,
		extractable: boolean,
		keyUsages: string[],
	): Promise<CryptoKey>;
	timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}

interface Crypto {
	randomUUID(): string;
}
