/**
 * D1 statements per order, placement through notification, by phase and by
 * statement, from the counts of the instrumented api worker (bench/instrument.ts)
 * that the counters scenario (bench/counters.ts) takes for each operation.
 * Each statement of a batch counts; a consumer's per-batch statements are
 * shared by the batch's orders.
 */
import { type Counts, entries } from "./instrument";

/** What ran the statement, as the instrumented entry names it, to the phase of an order it belongs to. */
function phaseOf(context: string, label: string): string {
	if (/daily/i.test(label)) return "daily sales";
	if (context === "CartDurableObject") return "placement (Cart object)";
	if (context === "request") return "the request (in-request projection and the rest)";
	if (/^queue goodfood-order-events$/.test(context)) return "order-events consumer";
	if (/^queue goodfood-notifications$/.test(context)) return "notifications consumer";
	return `other: ${context}`;
}

export interface D1Breakdown {
	/** Statements per order, by phase. */
	perOrderByPhase: Record<string, number>;
	/** Statements per order, by where they ran, the database and what they touched. */
	perOrderByStatement: Record<string, number>;
	perOrder: number;
}

/** D1 statements in `counts`, divided by the `orders` they were counted over. */
export function d1Breakdown(counts: Counts, orders: number): D1Breakdown {
	const perOrderByStatement: Record<string, number> = {};
	const perOrderByPhase: Record<string, number> = {};
	const statements = entries(counts)
		.filter((entry) => entry.kind === "d1.statements")
		.sort((a, b) => `${a.context}${a.detail}`.localeCompare(`${b.context}${b.detail}`));
	for (const { context, detail, n } of statements) {
		const [binding, label] = detail.split("\t");
		const perOrder = n / orders;
		const key = `${context}: ${binding} ${label}`;
		perOrderByStatement[key] = (perOrderByStatement[key] ?? 0) + perOrder;
		const phase = phaseOf(context, label);
		perOrderByPhase[phase] = (perOrderByPhase[phase] ?? 0) + perOrder;
	}
	const perOrder = Object.values(perOrderByPhase).reduce((sum, n) => sum + n, 0);
	return { perOrderByPhase, perOrderByStatement, perOrder };
}

export function printD1Breakdown(title: string, breakdown: D1Breakdown): void {
	console.log("");
	console.log(title);
	const width = Math.max(...Object.keys(breakdown.perOrderByStatement).map((key) => key.length), 10);
	for (const [phase, n] of Object.entries(breakdown.perOrderByPhase)) {
		console.log(`  ${phase.padEnd(width)}  ${n.toFixed(2).padStart(6)}`);
	}
	console.log(`  ${"total".padEnd(width)}  ${breakdown.perOrder.toFixed(2).padStart(6)}`);
	console.log(
		"(a consumer's per-batch statements are shared by the batch's orders, so their share depends on how the orders were batched)",
	);
	console.log("By where each ran, the database and what it touched:");
	for (const [statement, n] of Object.entries(breakdown.perOrderByStatement)) {
		console.log(`  ${statement.padEnd(width)}  ${n.toFixed(2).padStart(6)}`);
	}
}
