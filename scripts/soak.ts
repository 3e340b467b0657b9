/**
 * `npm run soak -- --minutes N`: mixed, realistic traffic against the whole
 * platform (started as for `npm run fuzz`) for N minutes: menus browsed and
 * searched, carts filled and changed, checkouts, guests following their
 * orders, the kitchen moving orders on, and sign-ins. Prints every N/10
 * minutes and at the end the requests, errors by status, 5xx, and the
 * workerd processes' resident memory after a warm-up and now. Exits non-zero
 * on any 5xx or request left unanswered.
 *
 *   npm run soak -- --minutes 30 --users 8 --warmup 180 --flows browse,cart
 *   (or SOAK_MINUTES, SOAK_USERS, SOAK_WARMUP, SOAK_FLOWS; the warm-up in seconds, all flows by default)
 */
import { parseArgs } from "node:util";
import type { Send } from "../test/fuzz/corpus";
import { mebibytes, residentBytes, signInDemoAccounts, startRunningPlatform, wholeNumber } from "../test/fuzz/platform";
import { DEMO_ACCOUNTS } from "./seed/staff";

const { values: flags } = parseArgs({
	options: {
		minutes: { type: "string" },
		users: { type: "string" },
		warmup: { type: "string" },
		flows: { type: "string" },
	},
});
const minutes = wholeNumber(flags.minutes, "SOAK_MINUTES", 1);
const users = wholeNumber(flags.users, "SOAK_USERS", 8);
/**
 * Traffic before memory is first read: a tenth of the run, at most 3 minutes, unless given in
 * seconds. Each cart and order is a Durable Object that workerd keeps in memory for a while after
 * its last request, so memory climbs for the first minute or two of traffic and then levels off.
 */
const WARM_UP_MS =
	(flags.warmup ?? process.env.SOAK_WARMUP)
		? wholeNumber(flags.warmup, "SOAK_WARMUP", 1) * 1000
		: Math.min(180_000, (minutes * 60_000) / 10);
const REPORTS = 10;

const LOCATION = "london-soho";
const FLAT_WHITE = { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] };
const CONTACT = { name: "Soak Tester", email: "soak@example.com", phone: "+44 20 7946 0000" };
/** The simulator's card that authorises at once, so the order goes to the kitchen. */
const SUCCESS_CARD = { method: "card", paymentMethod: "pm_sim_4242424242424242" };
const SEARCHES = ["flat white", "cake", "pad thai", "latte", "salad"];
/** A pickup order's way through the kitchen. */
const KITCHEN_STEPS = [
	{ status: "confirmed", etaMinutes: 20 },
	{ status: "preparing" },
	{ status: "ready" },
	{ status: "picked_up" },
];
/** Orders kept for tracking and the kitchen; older ones are forgotten. */
const TRACKED_ORDERS = 200;
/** Sign-ins per account: under the API's 5 a minute per address and account. */
const SIGN_IN_EVERY_MS = 15_000;
/** The soak's own principals sign in again this often, inside the access tokens' 15 minutes. */
const RESIGN_IN_EVERY_MS = 10 * 60_000;

interface Tally {
	requests: number;
	statuses: Map<number, number>;
	unanswered: Map<string, number>;
}

const tally: Tally = { requests: 0, statuses: new Map(), unanswered: new Map() };
const orders: { orderId: string; token: string; step: number; moving: boolean }[] = [];
const lastSignIn = new Map<string, number>();

function lunchTomorrow(): string {
	return `${new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10)}T12:00:00Z`;
}

function pick<T>(items: readonly T[]): T {
	return items[Math.floor(Math.random() * items.length)];
}

/** One request, counted; the parsed JSON body when the answer was a success. */
async function call<T>(send: Send, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
	tally.requests++;
	try {
		const response = await send({
			method,
			url,
			headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1);
		const text = await response.text();
		return response.ok && text ? (JSON.parse(text) as T) : undefined;
	} catch (error) {
		const key = `${method} ${url.split("?")[0].replace(/(crt|ord)_[0-9a-f]+/g, "$1_…")}: ${(error as Error).message}`;
		tally.unanswered.set(key, (tally.unanswered.get(key) ?? 0) + 1);
		return undefined;
	}
}

async function browse(send: Send) {
	await call(send, "GET", "/api/v1/locations?lat=51.5142&lng=-0.1318");
	await call(send, "GET", `/api/v1/locations/${LOCATION}/menu`);
	await call(send, "GET", `/api/v1/menu/search?q=${encodeURIComponent(pick(SEARCHES))}&location=${LOCATION}`);
}

async function fillCart(send: Send, auth: Record<string, string>) {
	const cart = await call<{ id: string }>(send, "POST", "/api/v1/carts", { locationSlug: LOCATION }, auth);
	if (!cart) return undefined;
	const added = await call<{ lineId: string }>(send, "POST", `/api/v1/carts/${cart.id}/items`, FLAT_WHITE, auth);
	if (added) await call(send, "PATCH", `/api/v1/carts/${cart.id}/items/${added.lineId}`, { quantity: 2 }, auth);
	await call(send, "GET", `/api/v1/carts/${cart.id}?fulfilment=pickup&tip=50`, undefined, auth);
	return cart.id;
}

async function checkout(send: Send, auth: Record<string, string>) {
	const cartId = await fillCart(send, auth);
	if (!cartId) return;
	const placed = await call<{ orderId: string; trackingToken: string }>(
		send,
		"POST",
		`/api/v1/carts/${cartId}/checkout`,
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: lunchTomorrow(), payment: SUCCESS_CARD },
		{ ...auth, "idempotency-key": crypto.randomUUID() },
	);
	if (!placed) return;
	orders.push({ orderId: placed.orderId, token: placed.trackingToken, step: 0, moving: false });
	if (orders.length > TRACKED_ORDERS) orders.shift();
}

async function track(send: Send) {
	const order = orders.length > 0 ? pick(orders) : undefined;
	if (!order) return;
	await call(send, "GET", `/api/v1/orders/${order.orderId}?token=${order.token}`);
	await call(send, "GET", `/api/v1/orders/${order.orderId}/events?token=${order.token}`);
}

async function kitchen(send: Send, principals: Record<string, Record<string, string>>) {
	await call(send, "GET", `/api/v1/locations/${LOCATION}/orders`, undefined, principals.kitchen);
	const order = orders.find((candidate) => !candidate.moving && candidate.step < KITCHEN_STEPS.length);
	if (!order) return;
	// Claimed before the await, so no other user sends this order's next step before this one is
	// answered: sent together, "preparing" could overtake "confirmed" and be refused with a 409.
	order.moving = true;
	const step = KITCHEN_STEPS[order.step++];
	await call(send, "POST", `/api/v1/orders/${order.orderId}/status`, step, principals.kitchen);
	order.moving = false;
}

async function signIn(send: Send) {
	const account = pick(DEMO_ACCOUNTS);
	if (Date.now() - (lastSignIn.get(account.email) ?? 0) < SIGN_IN_EVERY_MS) return browse(send);
	lastSignIn.set(account.email, Date.now());
	const tokens = await call<{ accessToken: string }>(send, "POST", "/api/v1/auth/login", {
		email: account.email,
		password: account.password,
	});
	if (tokens)
		await call(send, "GET", "/api/v1/customers/me", undefined, { authorization: `Bearer ${tokens.accessToken}` });
}

type Principals = Record<string, Record<string, string>>;

/** The flows a user picks from, by weight: mostly browsing, then carts, checkouts, tracking, the kitchen and sign-ins. */
const FLOWS: Record<string, { weight: number; run: (send: Send, principals: Principals) => Promise<unknown> }> = {
	browse: { weight: 40, run: (send) => browse(send) },
	cart: { weight: 20, run: (send, principals) => fillCart(send, customerOrGuest(principals)) },
	checkout: { weight: 15, run: (send, principals) => checkout(send, customerOrGuest(principals)) },
	track: { weight: 13, run: (send) => track(send) },
	kitchen: { weight: 9, run: (send, principals) => kitchen(send, principals) },
	signin: { weight: 3, run: (send) => signIn(send) },
};

/** A third of carts belong to a signed-in customer, the rest to guests. */
function customerOrGuest(principals: Principals): Record<string, string> {
	return Math.random() < 0.3 ? principals.customer : {};
}

/** `--flows browse,track` soaks with those flows alone (to tell which one holds memory); all by default. */
const chosenFlows = (flags.flows ?? process.env.SOAK_FLOWS ?? Object.keys(FLOWS).join(","))
	.split(",")
	.map((name) => name.trim());
for (const name of chosenFlows)
	if (!FLOWS[name]) throw new Error(`--flows: no flow "${name}" (${Object.keys(FLOWS).join(", ")})`);
const totalWeight = chosenFlows.reduce((sum, name) => sum + FLOWS[name].weight, 0);

function nextFlow(send: Send, principals: Principals): Promise<unknown> {
	let roll = Math.random() * totalWeight;
	for (const name of chosenFlows) {
		roll -= FLOWS[name].weight;
		if (roll < 0) return FLOWS[name].run(send, principals);
	}
	return FLOWS[chosenFlows[0]].run(send, principals);
}

type Memory = ReturnType<typeof residentBytes>;

function percentChange(now: number, then: number): string {
	const change = ((now - then) / then) * 100;
	return `${change >= 0 ? "+" : ""}${change.toFixed(1)}%`;
}

function memoryText(memory: Memory, baseline?: Memory): string {
	if (!memory) return "RSS n/a";
	const since = (now: number, then: number | undefined) => (then ? ` (${percentChange(now, then)})` : "");
	return `RSS ${mebibytes(memory.total)}${since(memory.total, baseline?.total)}, anonymous ${mebibytes(memory.anonymous)}${since(memory.anonymous, baseline?.anonymous)}`;
}

function report(label: string, startedAt: number, pids: number[], baseline: Memory) {
	const seconds = (performance.now() - startedAt) / 1000;
	const errors = [...tally.statuses.entries()].filter(([status]) => status >= 400).sort(([a], [b]) => a - b);
	const fiveHundreds = errors.filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
	const memory = residentBytes(pids);
	console.log(
		`${label}: ${tally.requests} requests (${Math.round(tally.requests / seconds)}/s), errors ${
			errors.map(([status, n]) => `${status}: ${n}`).join(", ") || "none"
		}, 5xx ${fiveHundreds}, unanswered ${[...tally.unanswered.values()].reduce((a, b) => a + b, 0)}, workerd ${memoryText(memory, baseline)}`,
	);
	return fiveHundreds;
}

async function main(): Promise<number> {
	const platform = await startRunningPlatform();
	try {
		const { send, runtime } = platform;
		const principals = await signInDemoAccounts(send);
		for (const account of DEMO_ACCOUNTS) lastSignIn.set(account.email, Date.now());
		// Access tokens last 15 minutes: sign the principals in again well before theirs run out.
		const resignIn = setInterval(
			() =>
				void signInDemoAccounts(send).then(
					(fresh) => Object.assign(principals, fresh),
					(error: unknown) => console.error(`signing in again failed: ${(error as Error).message}`),
				),
			RESIGN_IN_EVERY_MS,
		);
		console.log(`Soaking for ${minutes} min with ${users} users (warm-up ${WARM_UP_MS / 1000} s first)`);

		let stopAt = Date.now() + WARM_UP_MS;
		const user = async () => {
			while (Date.now() < stopAt) await nextFlow(send, principals);
		};
		await Promise.all(Array.from({ length: users }, user));
		const baseline = residentBytes(runtime.pids);
		console.log(`after warm-up: workerd ${memoryText(baseline)} (pids ${runtime.pids.join(", ") || "n/a"})`);
		tally.requests = 0;
		tally.statuses.clear();

		const startedAt = performance.now();
		stopAt = Date.now() + minutes * 60_000;
		const interval = setInterval(
			() => report(`${((performance.now() - startedAt) / 60_000).toFixed(1)} min`, startedAt, runtime.pids, baseline),
			(minutes * 60_000) / REPORTS,
		);
		await Promise.all(Array.from({ length: users }, user));
		clearInterval(interval);
		clearInterval(resignIn);

		console.log("");
		const fiveHundreds = report("end", startedAt, runtime.pids, baseline);
		console.log(`memory after warm-up: workerd ${memoryText(baseline)}`);
		console.log(`memory at the end:    workerd ${memoryText(residentBytes(runtime.pids), baseline)}`);
		for (const [message, n] of tally.unanswered) console.log(`  unanswered ×${n}: ${message}`);
		return fiveHundreds > 0 || tally.unanswered.size > 0 ? 1 : 0;
	} finally {
		await platform.stop();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
