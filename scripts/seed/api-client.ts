/** The little of the API the demo's seeding steps need once `npm run dev` (or a test platform) is up. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `GET /health` at `base` answers; throws after `timeoutMs`. */
export async function waitForHealth(base: string, timeoutMs = 180_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const up = await fetch(`${base}/health`).then(
			(response) => response.ok,
			() => false,
		);
		if (up) return;
		if (Date.now() > deadline) throw new Error(`${base}/health did not answer within ${timeoutMs / 1000} s`);
		await sleep(1000);
	}
}

/** Signs in and answers the access token; throws with the API's answer when refused. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
	const login = await fetch(`${base}/api/v1/auth/login`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ email, password }),
	});
	if (!login.ok) throw new Error(`signing in as ${email}: ${login.status} ${await login.text()}`);
	return ((await login.json()) as { accessToken: string }).accessToken;
}
