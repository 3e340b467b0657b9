/**
 * `npm run faults:crash`: issue 12's crash test. The platform runs on workerd
 * through Miniflare (as `npm run bench` starts it) with its state in a
 * temporary directory. Clients place orders one by one, then a burst at once;
 * mid-burst every workerd process is SIGKILLed. A new runtime starts on the
 * same state, each client whose answer never came retries with its same
 * Idempotency-Key, and the harness waits (bounded) for the sweep. It counts
 * from D1's orders table and the development e-mail sink (dev_outbox), prints
 * the figures and exits non-zero when an order is lost or doubled, or a
 * confirmation e-mail is missing or doubled.
 *
 * Settings (environment): CRASH_SEQUENTIAL (50), CRASH_BURST (20),
 * CRASH_KILL_AFTER_MS (the kill lands this long after the burst is sent, 250)
 * or CRASH_KILL_AFTER (once this many burst answers are in, 20), whichever first,
 * CRASH_GRACE_SECONDS (the api worker's RECONCILE_GRACE_SECONDS, 5),
 * CRASH_SWEEP_TIMEOUT_SECONDS (120), CRASH_SETTLE_SECONDS (10: how long to
 * keep watching for doubles once everything is there), CRASH_KEEP_STATE=1
 * keeps the state directory, CRASH_SKIP_PROBE=1 skips the alarm probe.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildWorker } from "../../bench/build";
import { API_WORKER, prepareDatabase, type Runtime, startPlatform } from "../../bench/platform";
import { probeAlarmAfterKill } from "./alarm-probe";

const LOCATION = "london-soho";
const FLAT_WHITE = { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] };
/** The subject of the OrderPlaced e-mail (notifications/domain/templates.ts). */
const CONFIRMATION_SUBJECT = "We've got your order %";

function envInt(name: string, fallback: number, min = 1): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
	return value;
}

const settings = {
	sequential: envInt("CRASH_SEQUENTIAL", 50, 0),
	burst: envInt("CRASH_BURST", 20),
	killAfter: envInt("CRASH_KILL_AFTER", 20, 0),
	killAfterMs: envInt("CRASH_KILL_AFTER_MS", 250, 0),
	graceSeconds: envInt("CRASH_GRACE_SECONDS", 5),
	sweepTimeoutSeconds: envInt("CRASH_SWEEP_TIMEOUT_SECONDS", 120),
	settleSeconds: envInt("CRASH_SETTLE_SECONDS", 10, 0),
};
if (settings.killAfter > settings.burst) throw new Error("CRASH_KILL_AFTER cannot exceed CRASH_BURST");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** One customer placing one order, with the key it keeps across the crash. */
interface Client {
	email: string;
	key: string;
	body: string;
	/** Where the client got its 201: before the crash, on its retry after, or not at all. */
	answered: "before" | "retry" | null;
	orderId?: string;
	trackingToken?: string;
	failure?: string;
}

/** Tomorrow at 12:00 UTC: lunchtime in London, open every day. */
function londonLunchTomorrow(): string {
	return `${new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10)}T12:00:00Z`;
}

function newClients(count: number, run: string): Client[] {
	const requestedTime = londonLunchTomorrow();
	return Array.from({ length: count }, (_, index) => {
		const email = `crash-${run}-${index}@example.com`;
		const contact = { name: `Crash Client ${index}`, email, phone: "+44 20 7946 0000" };
		return {
			email,
			key: crypto.randomUUID(),
			body: JSON.stringify({
				locationSlug: LOCATION,
				items: [FLAT_WHITE],
				fulfilment: "pickup",
				contact,
				requestedTime,
				// The simulator's card that authorises at once: the order is placed in the one request.
				payment: { method: "card", paymentMethod: "pm_sim_4242424242424242" },
			}),
			answered: null,
		};
	});
}

/** Places the client's order; true when the 201 arrived. A dead connection is a missing answer, not an error. */
async function placeOrder(base: URL, client: Client, attempt: "before" | "retry"): Promise<boolean> {
	try {
		const response = await fetch(new URL("/api/v1/orders", base), {
			method: "POST",
			headers: { "content-type": "application/json", "idempotency-key": client.key },
			body: client.body,
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (response.status !== 201) {
			client.failure = `${attempt}: answered ${response.status}: ${text.slice(0, 200)}`;
			return false;
		}
		const placed = JSON.parse(text) as { orderId: string; trackingToken: string };
		client.orderId = placed.orderId;
		client.trackingToken = placed.trackingToken;
		client.answered = attempt;
		return true;
	} catch (error) {
		client.failure = `${attempt}: ${(error as Error).message}`;
		return false;
	}
}

interface D1Reader {
	prepare(query: string): { bind(...values: unknown[]): { all<T>(): Promise<{ results: T[] }> } };
}

/** What D1 holds for this run's customers: order ids (in london-soho's region, eu) and confirmation e-mails (global) per address. */
async function readState(runtime: Runtime, run: string) {
	const db = (await runtime.miniflare.getD1Database("DB", API_WORKER)) as unknown as D1Reader;
	const orderData = (await runtime.miniflare.getD1Database("ORDERS_EU", API_WORKER)) as unknown as D1Reader;
	const pattern = `crash-${run}-%`;
	const [orders, emails] = await Promise.all([
		orderData
			.prepare("SELECT id, contact_email AS email FROM orders WHERE contact_email LIKE ?")
			.bind(pattern)
			.all<{ id: string; email: string }>(),
		db
			.prepare("SELECT to_address AS email FROM dev_outbox WHERE to_address LIKE ? AND subject LIKE ?")
			.bind(pattern, CONFIRMATION_SUBJECT)
			.all<{ email: string }>(),
	]);
	const ordersByEmail = new Map<string, string[]>();
	for (const row of orders.results) ordersByEmail.set(row.email, [...(ordersByEmail.get(row.email) ?? []), row.id]);
	const emailsByAddress = new Map<string, number>();
	for (const row of emails.results) emailsByAddress.set(row.email, (emailsByAddress.get(row.email) ?? 0) + 1);
	return { ordersByEmail, emailsByAddress, orderRows: orders.results.length, emailRows: emails.results.length };
}

type State = Awaited<ReturnType<typeof readState>>;

/** The figures the issue asks for, from the clients' view and D1's. */
function tally(clients: Client[], state: State) {
	const acknowledged = clients.filter((client) => client.orderId !== undefined);
	const lost = acknowledged.filter((client) => !state.ordersByEmail.get(client.email)?.includes(client.orderId ?? ""));
	const duplicated = clients.filter((client) => (state.ordersByEmail.get(client.email)?.length ?? 0) > 1);
	const emailsMissing = clients.filter((client) => (state.emailsByAddress.get(client.email) ?? 0) === 0);
	const emailsDoubled = clients.filter((client) => (state.emailsByAddress.get(client.email) ?? 0) > 1);
	return {
		acknowledged: acknowledged.length,
		ordersInD1: state.orderRows,
		lost: lost.length,
		duplicated: duplicated.length,
		unanswered: clients.length - acknowledged.length,
		emails: state.emailRows,
		emailsMissing: emailsMissing.length,
		emailsDoubled: emailsDoubled.length,
	};
}

type Tally = ReturnType<typeof tally>;

const isWhole = (figures: Tally, total: number) =>
	figures.acknowledged === total &&
	figures.lost === 0 &&
	figures.duplicated === 0 &&
	figures.emailsMissing === 0 &&
	figures.emailsDoubled === 0;

/** Whether each acknowledged order answers its own tracking token through the API (the order object's view). */
async function unreadableOrders(base: URL, clients: Client[]): Promise<string[]> {
	const missing: string[] = [];
	for (const client of clients) {
		if (!client.orderId || !client.trackingToken) continue;
		const response = await fetch(new URL(`/api/v1/orders/${client.orderId}`, base), {
			headers: { "x-tracking-token": client.trackingToken },
			signal: AbortSignal.timeout(30_000),
		});
		await response.body?.cancel();
		if (response.status !== 200) missing.push(`${client.orderId}: ${response.status}`);
	}
	return missing;
}

/** Every runtime started, so an interrupted run still stops them. */
const runtimes: Runtime[] = [];

async function disposeAll(): Promise<void> {
	await Promise.allSettled(runtimes.splice(0).map((runtime) => runtime.miniflare.dispose()));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, () => {
		void disposeAll().finally(() => process.exit(130));
	});
}

async function main(): Promise<number> {
	// As the bench does: every commit would otherwise wait on this VM's fsync. A SIGKILL ends the
	// process, not the machine, so what workerd wrote survives in tmpfs as it would on disk.
	if (!process.env.TMPDIR && existsSync("/dev/shm")) process.env.TMPDIR = "/dev/shm";
	const state = mkdtempSync(path.join(tmpdir(), "goodfood-crash-"));
	const run = crypto.randomUUID().slice(0, 8);
	const apiVars = { RECONCILE_GRACE_SECONDS: String(settings.graceSeconds) };
	try {
		if (!process.env.CRASH_SKIP_PROBE) {
			const probe = await probeAlarmAfterKill();
			console.log(
				probe.refired
					? `Alarm probe: a Durable Object alarm set before a SIGKILL fires after the restart (${seconds(probe.afterRestartMs ?? 0)} after it).`
					: "Alarm probe: an alarm set before a SIGKILL did NOT fire after the restart; an alarm-based sweep cannot recover on this runtime.",
			);
		}

		console.log("Building workers…");
		// Their own build directories, so a bench or fuzz run building at the same time is not disturbed.
		const api = await buildWorker("faults-api", "wrangler.toml", "workers/api/src/index.ts");
		const edge = await buildWorker(
			"faults-menu-edge",
			"workers/menu-edge/wrangler.toml",
			"workers/menu-edge/src/index.ts",
		);

		const first = await startPlatform({ api, edge }, { resourcePersistencePath: state }, apiVars);
		runtimes.push(first);
		await prepareDatabase(first);
		console.log(
			`Platform at ${first.url.origin} (workerd pid ${first.pids.join(", ")}), state in ${state}, RECONCILE_GRACE_SECONDS=${settings.graceSeconds}`,
		);
		if (first.pids.length === 0) throw new Error("No workerd process found to kill (the harness needs Linux's /proc)");

		const clients = newClients(settings.sequential + settings.burst, run);
		const sequential = clients.slice(0, settings.sequential);
		const burst = clients.slice(settings.sequential);
		const sequentialStarted = Date.now();
		for (const client of sequential) {
			if (!(await placeOrder(first.url, client, "before"))) {
				throw new Error(`An order before the crash failed, so the platform is not working: ${client.failure}`);
			}
		}
		const beforeBurst = tally(clients, await readState(first, run));
		console.log(
			`Placed ${sequential.length} orders one by one in ${seconds(Date.now() - sequentialStarted)} (${beforeBurst.ordersInD1} in D1, ${beforeBurst.emails} confirmation e-mails so far); now a burst of ${burst.length}…`,
		);

		// The kill lands `killAfterMs` after the burst is sent, or once `killAfter` of its answers are in,
		// whichever comes first. The runtime answers a burst nearly all at once, so the clock is what
		// catches requests in flight: committed or not, their clients never hear.
		let answers = 0;
		let killedAt = 0;
		let disposed: Promise<void> | undefined;
		const kill = () => {
			if (killedAt) return;
			killedAt = Date.now();
			for (const pid of first.pids) process.kill(pid, "SIGKILL");
			// In the same tick: Miniflare restarts a crashed workerd by itself unless it is being disposed,
			// and that quiet restart would run the platform on the state before the harness's own.
			runtimes.splice(runtimes.indexOf(first), 1);
			disposed = first.miniflare.dispose().catch(() => {});
		};
		const burstSentAt = Date.now();
		const timer = setTimeout(kill, settings.killAfterMs);
		if (settings.killAfter === 0) kill();
		await Promise.all(
			burst.map(async (client) => {
				await placeOrder(first.url, client, "before");
				if (++answers >= settings.killAfter) kill();
			}),
		);
		clearTimeout(timer);
		kill();
		const answeredBefore = clients.filter((client) => client.answered === "before").length;
		console.log(
			`SIGKILL to workerd ${killedAt - burstSentAt} ms after the burst was sent: ${answeredBefore} of ${clients.length} clients had their 201`,
		);
		await disposed;

		const restartStarted = Date.now();
		const second = await startPlatform({ api, edge }, { resourcePersistencePath: state }, apiVars);
		runtimes.push(second);
		const restartedAt = Date.now();
		console.log(`Restarted on the same state in ${seconds(restartedAt - restartStarted)} (no seeding)`);
		const atRestart = tally(clients, await readState(second, run));

		const unanswered = clients.filter((client) => client.answered === null);
		await Promise.all(unanswered.map((client) => placeOrder(second.url, client, "retry")));
		const retriesFailed = unanswered.filter((client) => client.answered === null);
		console.log(
			`Retried ${unanswered.length} unanswered orders with their keys: ${unanswered.length - retriesFailed.length} answered 201`,
		);

		// The sweep is waited for, bounded; recovery counts from the restarted runtime being ready.
		let recoveredAt: number | null = null;
		let figures = tally(clients, await readState(second, run));
		const deadline = restartedAt + settings.sweepTimeoutSeconds * 1000;
		while (!isWhole(figures, clients.length) && Date.now() < deadline) {
			await sleep(1000);
			figures = tally(clients, await readState(second, run));
		}
		if (isWhole(figures, clients.length)) {
			recoveredAt = Date.now();
			// A sweep that re-sends too much shows up as a doubled e-mail some time later.
			await sleep(settings.settleSeconds * 1000);
			figures = tally(clients, await readState(second, run));
		}
		const unreadable = await unreadableOrders(second.url, clients);

		console.log("");
		console.log(`Crash test: ${clients.length} orders (${sequential.length} one by one, a burst of ${burst.length})`);
		console.log(`                                 at restart   after the sweep`);
		const row = (label: string, key: keyof Tally) =>
			console.log(`  ${label.padEnd(31)}${String(atRestart[key]).padStart(10)}${String(figures[key]).padStart(18)}`);
		row("orders acknowledged (201)", "acknowledged");
		row("orders in D1", "ordersInD1");
		row("acknowledged, not in D1 (lost)", "lost");
		row("customers with 2+ orders", "duplicated");
		row("confirmation e-mails", "emails");
		row("confirmation e-mails missing", "emailsMissing");
		row("confirmation e-mails doubled", "emailsDoubled");
		console.log(`  answered before the crash: ${answeredBefore}; retried after it: ${unanswered.length}`);
		console.log(`  orders the API cannot read with their token: ${unreadable.length}`);
		console.log(
			recoveredAt === null
				? `  recovery: NOT complete ${settings.sweepTimeoutSeconds} s after the restart`
				: `  recovery: complete ${seconds(recoveredAt - restartedAt)} after the restart (${seconds(recoveredAt - killedAt)} after the kill), unchanged ${settings.settleSeconds} s later`,
		);
		for (const client of retriesFailed) {
			console.log(`  ! ${client.email}: ${client.failure}`);
		}
		for (const problem of unreadable.slice(0, 5)) console.log(`  ! unreadable order ${problem}`);

		const failed = !isWhole(figures, clients.length) || retriesFailed.length > 0 || unreadable.length > 0;
		console.log(failed ? "\nFAIL: something was lost or doubled." : "\nPASS: nothing lost, nothing doubled.");
		return failed ? 1 : 0;
	} finally {
		await disposeAll();
		if (process.env.CRASH_KEEP_STATE) console.log(`State kept in ${state}`);
		else rmSync(state, { recursive: true, force: true });
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
