/**
 * `npm run fuzz`: the long form of workers/api/test/properties.test.ts against
 * the running platform. Requests generated from the routes' zod schemas
 * (test/fuzz/), spread evenly over every operation and drawn from every role,
 * go through the menu edge to the api worker; every answer is checked as in
 * the property test. Prints the counts and exits non-zero on any 5xx, body
 * off its schema, answer outside the envelope or undocumented status.
 *
 *   npm run fuzz -- --requests 100000 --concurrency 16 --seed 42
 *   (or FUZZ_REQUESTS, FUZZ_CONCURRENCY, FUZZ_SEED)
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { measureCpu } from "../bench/cpu";
import { checkAnswer, FindingTally, readAnswer } from "../test/fuzz/check";
import { buildCorpus, type Send } from "../test/fuzz/corpus";
import {
	type ApiDocument,
	type FuzzRequest,
	fuzzOperations,
	registryOf,
	requestArbitrary,
} from "../test/fuzz/operations";
import { runPool, signInDemoAccounts, startRunningPlatform, wholeNumber } from "../test/fuzz/platform";
import { app } from "../workers/api/src/app";

/** Requests drawn per operation at a time, so the whole run is never held in memory. */
const BATCH = 20;
/** Progress lines printed during the run. */
const PROGRESS_STEPS = 10;

const { values: flags } = parseArgs({
	options: { requests: { type: "string" }, concurrency: { type: "string" }, seed: { type: "string" } },
});
const total = wholeNumber(flags.requests, "FUZZ_REQUESTS", 100_000);
const concurrency = wholeNumber(flags.concurrency, "FUZZ_CONCURRENCY", 16);
const seed = Number(flags.seed ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

function statusList(counts: Map<number, number>): string {
	return [...counts.entries()]
		.sort(([a], [b]) => a - b)
		.map(([status, n]) => `${status}: ${n}`)
		.join(", ");
}

/** A new customer account, signed in: fuzzed requests may erase an account or change its password. */
async function registerCustomer(send: Send): Promise<Record<string, string>> {
	const response = await send({
		method: "POST",
		url: "/api/v1/auth/register",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			email: `fuzz-${crypto.randomUUID()}@example.com`,
			password: "correct horse 42",
			name: "Fuzz",
		}),
	});
	if (response.status !== 201) throw new Error(`registration: ${response.status} ${await response.text()}`);
	const { accessToken } = (await response.json()) as { accessToken: string };
	return { authorization: `Bearer ${accessToken}` };
}

/**
 * Operations that may end the caller's own sessions (deletion, a password change, sign-out): as
 * the customer they run on a second, disposable account, so one of them does not leave the rest
 * of the round signed out.
 */
const ENDS_OWN_SESSION = [
	/^DELETE \S*\/customers\/me$/,
	/^POST \S*\/customers\/me\/password$/,
	/^POST \S*\/auth\/logout$/,
];

/** The customer's headers while its session lasts, else a new customer's, so every round has one signed in. */
async function customerStillSignedIn(send: Send, headers: Record<string, string>): Promise<Record<string, string>> {
	const response = await send({ method: "GET", url: "/api/v1/customers/me", headers });
	await response.body?.cancel();
	return response.status === 200 ? headers : registerCustomer(send);
}

async function main(): Promise<number> {
	const platform = await startRunningPlatform();
	try {
		const { send, runtime } = platform;
		const document = (await (await send({ method: "GET", url: "/api/v1/openapi.json" })).json()) as ApiDocument;
		const operations = fuzzOperations(registryOf(app), document);
		const principals: Record<string, Record<string, string>> = {
			anonymous: {},
			...(await signInDemoAccounts(send)),
			customer: await registerCustomer(send),
		};
		const disposable = { ...principals, customer: await registerCustomer(send) };
		const hints = await buildCorpus(send);
		const arbitraries = operations.map((operation) =>
			requestArbitrary(
				operation,
				ENDS_OWN_SESSION.some((pattern) => pattern.test(operation.name)) ? disposable : principals,
				hints,
			),
		);
		const byName = new Map(operations.map((operation) => [operation.name, operation]));
		console.log(
			`Fuzzing ${operations.length} operations as ${Object.keys(principals).join(", ")}: ${total} requests, ${concurrency} at a time, seed ${seed}`,
		);

		const statuses = new Map<number, number>();
		const byRole = new Map<string, Map<number, number>>();
		const findings = new FindingTally();
		const transportErrors = new Map<string, number>();
		let done = 0;
		const cpu = measureCpu(runtime.pids);
		const started = performance.now();
		const fuzzOne = async (request: FuzzRequest) => {
			try {
				const answer = await readAnswer(await send(request));
				statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
				const ofRole = byRole.get(request.principal) ?? new Map<number, number>();
				ofRole.set(answer.status, (ofRole.get(answer.status) ?? 0) + 1);
				byRole.set(request.principal, ofRole);
				const operation = byName.get(request.operation);
				if (operation) findings.add(checkAnswer(operation, request, answer));
			} catch (error) {
				const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
				const message = `${request.operation}: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
				transportErrors.set(message, (transportErrors.get(message) ?? 0) + 1);
			}
			if (++done % Math.ceil(total / PROGRESS_STEPS) === 0) {
				const seconds = (performance.now() - started) / 1000;
				console.log(`  ${done} requests, ${findings.count()} findings, ${Math.round(done / seconds)} requests/s`);
			}
		};
		// Rounds of BATCH requests per operation, drawn as they are needed, each as a signed-in customer.
		for (let round = 0, produced = 0; produced < total; round++) {
			principals.customer = await customerStillSignedIn(send, principals.customer);
			disposable.customer = await customerStillSignedIn(send, disposable.customer);
			const batches = arbitraries.map((arbitrary, index) =>
				fc.sample(arbitrary, { numRuns: BATCH, seed: seed + round * arbitraries.length + index }),
			);
			const interleaved = Array.from({ length: BATCH }, (_, position) =>
				batches.map((batch) => batch[position]),
			).flat();
			const thisRound = interleaved.slice(0, total - produced);
			produced += thisRound.length;
			await runPool(thisRound, concurrency, fuzzOne);
		}
		const seconds = (performance.now() - started) / 1000;
		const use = cpu();

		const count = (kind: Parameters<FindingTally["count"]>[0]) => findings.count(kind);
		console.log("");
		console.log(`requests: ${done} in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} requests/s)`);
		console.log(`statuses: ${statusList(statuses)}`);
		for (const [role, counts] of [...byRole.entries()].sort()) console.log(`  as ${role}: ${statusList(counts)}`);
		console.log(`5xx: ${count("5xx")}`);
		console.log(`bodies off their schema: ${count("off its schema")}`);
		console.log(`4xx outside the error envelope: ${count("not the error envelope")}`);
		console.log(`undocumented statuses: ${count("undocumented status")}`);
		console.log(`requests that got no answer: ${[...transportErrors.values()].reduce((a, b) => a + b, 0)}`);
		if (use) {
			const share = (cores: number) => `${Math.round(cores * 100)}% of a core`;
			console.log(
				`CPU: load generator ${share(use.client)}, workerd ${share(use.runtime)}, other processes ${share(use.others)}`,
			);
		}
		for (const [group, { count: n, first }] of findings.groups) {
			console.log(`  ${group} ×${n}: ${first.detail}\n    e.g. ${first.example}`);
		}
		for (const [message, n] of transportErrors) console.log(`  no answer ×${n}: ${message}`);
		return findings.count() > 0 || transportErrors.size > 0 ? 1 : 0;
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
