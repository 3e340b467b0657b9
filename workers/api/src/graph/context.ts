/**
 * What every resolver gets: the Hono context of the request (its env, its
 * principal, its D1 sessions, its request id), so resolvers call the same
 * functions the REST routes call, with the same authorization.
 */
import type { AppEnv, Principal } from "@goodfood/platform/app";
import type { Context } from "hono";

/** What the Hono handler hands yoga with each request. */
export interface ServerContext {
	hono: Context<AppEnv>;
}

export interface GraphContext {
	/** The request as the REST routes see it: `c.env`, `c.var.d1`, `c.var.orderData`, `c.var.principal`. */
	c: Context<AppEnv>;
	env: Env;
	principal: Principal | undefined;
	/** Per-request memo, for DataLoaders and anything read once per operation. */
	memo: Map<string, unknown>;
}

/** A value made once per operation (a DataLoader, say), under `key`. */
export function perOperation<T>(context: GraphContext, key: string, make: () => T): T {
	let value = context.memo.get(key) as T | undefined;
	if (value === undefined) {
		value = make();
		context.memo.set(key, value);
	}
	return value;
}
