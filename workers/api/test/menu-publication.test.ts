/**
 * Publishing menus to KV: the origin publishes on every edge miss, and KV takes
 * about one write per second per key, so only what changed is written; and a
 * publish that keeps racing other writes still returns a real document.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { menuKeys } from "../src/menu/contract";
import { publishMenu } from "../src/menu/publication";

const LOCATION = "london-soho";

/** The real KV, recording the keys written. */
function recordingKv() {
	const puts: string[] = [];
	const kv = {
		get: (...args: Parameters<KVNamespace["get"]>) => env.MENU_KV.get(...args),
		put: (...args: Parameters<KVNamespace["put"]>) => {
			puts.push(args[0]);
			return env.MENU_KV.put(...args);
		},
	} as unknown as KVNamespace;
	return { puts, env: { ...env, MENU_KV: kv } as Env };
}

/** The real database, except that the version check always finds a newer menu version, as under constant writes. */
function alwaysRacedDb(): D1Database {
	const withSession = (constraint?: string) => {
		const session = env.DB.withSession(constraint as D1SessionConstraint);
		return new Proxy(session, {
			get(target, property) {
				if (property === "prepare") {
					return (sql: string) =>
						sql.startsWith("SELECT menu_version AS version")
							? { bind: () => ({ first: async () => ({ version: Number.MAX_SAFE_INTEGER }) }) }
							: target.prepare(sql);
				}
				const value = Reflect.get(target, property, target);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
	};
	return { withSession } as unknown as D1Database;
}

describe("publishMenu", () => {
	it("writes nothing to KV when the document and pointer are already there", async () => {
		const first = recordingKv();
		const document = await publishMenu(first.env, LOCATION);
		expect(document?.location.slug).toBe(LOCATION);

		const again = recordingKv();
		expect((await publishMenu(again.env, LOCATION))?.version).toBe(document?.version);
		expect((await publishMenu(again.env, LOCATION))?.version).toBe(document?.version);
		expect(again.puts).toEqual([]);
	});

	it("writes only the missing document, or only the pointer that names another version", async () => {
		const document = await publishMenu(env, LOCATION);
		const version = document?.version ?? 0;

		await env.MENU_KV.delete(menuKeys.document(LOCATION, version));
		const missingDocument = recordingKv();
		await publishMenu(missingDocument.env, LOCATION);
		expect(missingDocument.puts).toEqual([menuKeys.document(LOCATION, version)]);

		await env.MENU_KV.put(menuKeys.current(LOCATION), String(version - 1));
		const stalePointer = recordingKv();
		await publishMenu(stalePointer.env, LOCATION);
		expect(stalePointer.puts).toEqual([menuKeys.current(LOCATION)]);
		expect(await env.MENU_KV.get(menuKeys.current(LOCATION))).toBe(String(version));
	});

	it("returns the last document it loaded when other writes keep racing it", async () => {
		const document = await publishMenu({ ...env, DB: alwaysRacedDb() }, LOCATION);
		expect(document?.location.slug).toBe(LOCATION);
		expect(document?.categories.length).toBeGreaterThan(0);
	});

	it("returns nothing for an unknown location", async () => {
		expect(await publishMenu(env, "atlantis")).toBeUndefined();
	});
});
