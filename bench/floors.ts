/**
 * The floors: for each write path, the cheapest Worker that does the same
 * unavoidable I/O on the same runtime, each in its own Miniflare runtime next
 * to the hello Worker. A real path is reported as a ratio to its floor; a
 * stateful path cannot be as fast as a Worker that stores nothing.
 *
 * - cart floor: the Worker forwards each request by RPC to one of the carts'
 *   Durable Objects (by the cart id in the path); the object runs one SQLite
 *   upsert in a transaction and answers about 300 bytes of JSON.
 * - order floor: the Worker calls a fresh Durable Object per order; the object
 *   writes two rows in one transaction and sends one queue message; a queue
 *   consumer (batched like the real order-events consumer) writes one D1
 *   `batch()` of two statements per order.
 */
import { convertV4MiniflareOptions } from "miniflare";
import type { BenchD1 } from "./platform";
import { type Runtime, startRuntime } from "./platform";

export const FLOOR_DB = "DB";
const FLOOR_QUEUE = "floor-order-events";

const CART_FLOOR_SCRIPT = `
import { DurableObject } from "cloudflare:workers";

export class CartFloor extends DurableObject {
	constructor(ctx, env) {
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS lines (item_id TEXT PRIMARY KEY, quantity INTEGER NOT NULL, options TEXT NOT NULL, updated_at INTEGER NOT NULL)");
	}

	add(cartId, line) {
		const now = Date.now();
		const options = JSON.stringify(line.options ?? []);
		const { quantity } = this.ctx.storage.transactionSync(() =>
			this.ctx.storage.sql
				.exec(
					"INSERT INTO lines (item_id, quantity, options, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET quantity = quantity + excluded.quantity, options = excluded.options, updated_at = excluded.updated_at RETURNING quantity",
					line.itemId, line.quantity ?? 1, options, now,
				)
				.one(),
		);
		return {
			id: cartId,
			locationSlug: "london-soho",
			lines: [{ itemId: line.itemId, name: "Flat white", quantity, options: line.options ?? [], unitPrice: 350, lineTotal: 350 * quantity }],
			subtotal: 350 * quantity,
			currency: "GBP",
			updatedAt: new Date(now).toISOString(),
		};
	}
}

export default {
	async fetch(request, env) {
		const match = /^\\/api\\/v1\\/carts\\/([^/]+)\\/items$/.exec(new URL(request.url).pathname);
		if (!match || request.method !== "POST") return new Response("not found", { status: 404 });
		const line = await request.json();
		const cart = await env.CARTS.get(env.CARTS.idFromName(match[1])).add(match[1], line);
		return Response.json(cart, { status: 201 });
	},
};
`;

const ORDER_FLOOR_SCRIPT = `
import { DurableObject } from "cloudflare:workers";

export class OrderFloor extends DurableObject {
	constructor(ctx, env) {
		super(ctx, env);
		ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, body TEXT NOT NULL, placed_at INTEGER NOT NULL); CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL)");
	}

	async place(order) {
		const id = this.ctx.id.toString();
		const placedAt = Date.now();
		const payload = JSON.stringify({ id, placedAt, order });
		this.ctx.storage.transactionSync(() => {
			this.ctx.storage.sql.exec("INSERT INTO orders (id, body, placed_at) VALUES (?, ?, ?)", id, JSON.stringify(order), placedAt);
			this.ctx.storage.sql.exec("INSERT INTO events (type, payload) VALUES ('OrderPlaced', ?)", payload);
		});
		await this.env.ORDER_EVENTS.send({ id, placedAt, order });
		return { orderId: id, status: "placed", placedAt: new Date(placedAt).toISOString() };
	}
}

export default {
	async fetch(request, env) {
		if (request.method !== "POST" || new URL(request.url).pathname !== "/api/v1/orders") return new Response("not found", { status: 404 });
		const order = await request.json();
		const placed = await env.ORDERS.get(env.ORDERS.newUniqueId()).place(order);
		return Response.json(placed, { status: 201 });
	},

	async queue(batch, env) {
		for (const message of batch.messages) {
			const { id, placedAt, order } = message.body;
			await env.DB.batch([
				env.DB.prepare("INSERT INTO floor_orders (id, placed_at, projected_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING").bind(id, placedAt, Date.now()),
				env.DB.prepare("INSERT INTO floor_order_lines (order_id, items) VALUES (?, ?) ON CONFLICT (order_id) DO NOTHING").bind(id, JSON.stringify(order.items ?? [])),
			]);
			message.ack();
		}
	},
};
`;

function floorOptions(name: string, script: string, compatibilityDate: string, rest: Record<string, unknown>) {
	return convertV4MiniflareOptions({
		workers: [{ name, compatibilityDate, modules: true, script, ...rest }],
	}).workers;
}

/** The cart floor in its own runtime. */
export function startCartFloor(compatibilityDate: string): Promise<Runtime> {
	return startRuntime(
		floorOptions("cart-floor", CART_FLOOR_SCRIPT, compatibilityDate, {
			durableObjects: { CARTS: { className: "CartFloor", useSQLite: true } },
		}),
	);
}

/**
 * The order floor in its own runtime, its D1 table created. The consumer is
 * batched as the real order-events consumer is (wrangler.toml: 50 messages or
 * 1 s), so both wait alike for a batch to fill.
 */
export async function startOrderFloor(compatibilityDate: string): Promise<Runtime> {
	const runtime = await startRuntime(
		floorOptions("order-floor", ORDER_FLOOR_SCRIPT, compatibilityDate, {
			durableObjects: { ORDERS: { className: "OrderFloor", useSQLite: true } },
			queueProducers: { ORDER_EVENTS: { queueName: FLOOR_QUEUE } },
			queueConsumers: { [FLOOR_QUEUE]: { maxBatchSize: 50, maxBatchTimeout: 1, maxRetries: 10 } },
			d1Databases: { [FLOOR_DB]: "order-floor-db" },
		}),
	);
	const db = (await runtime.miniflare.getD1Database(FLOOR_DB, "order-floor")) as unknown as BenchD1;
	await db.batch([
		db.prepare(
			"CREATE TABLE IF NOT EXISTS floor_orders (id TEXT PRIMARY KEY, placed_at INTEGER NOT NULL, projected_at INTEGER NOT NULL)",
		),
		db.prepare("CREATE TABLE IF NOT EXISTS floor_order_lines (order_id TEXT PRIMARY KEY, items TEXT NOT NULL)"),
	]);
	return runtime;
}
