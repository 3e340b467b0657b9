/**
 * The stock `npm run dev` gives the demo after a fresh seed, so the kitchen's
 * Stock tab and the prep list's "on hand" column show counts: set through the
 * API as the Soho manager would, since stock lives in the location's kitchen
 * object, not in D1.
 */
import { signIn, waitForHealth } from "./api-client";
import { DEMO_ACCOUNTS } from "./staff";

export const DEMO_STOCK = {
	location: "london-soho",
	manager: "acc-demo-manager-soho",
	entries: [
		{ itemId: "itm-ldn-carrot-cake", count: 6 },
		{ itemId: "itm-ldn-pad-thai", count: 12 },
		{ itemId: "itm-ldn-flat-white", optionId: "opt-ldn-flat-white-milk-oat", count: 20 },
	],
};

/** Waits for `GET /health` at `base`, then sets the demo stock. Throws with what went wrong. */
export async function setDemoStock(base: string, { timeoutMs = 180_000 } = {}): Promise<string> {
	await waitForHealth(base, timeoutMs);
	const manager = DEMO_ACCOUNTS.find((account) => account.id === DEMO_STOCK.manager);
	if (!manager) throw new Error(`no demo account ${DEMO_STOCK.manager}`);
	const accessToken = await signIn(base, manager.email, manager.password);
	const stock = await fetch(`${base}/api/v1/locations/${DEMO_STOCK.location}/stock`, {
		method: "PUT",
		headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
		body: JSON.stringify({ entries: DEMO_STOCK.entries }),
	});
	if (!stock.ok) throw new Error(`setting the stock: ${stock.status} ${await stock.text()}`);
	return `Set the demo stock at ${DEMO_STOCK.location} (${DEMO_STOCK.entries.length} counts, as ${manager.email}).`;
}
