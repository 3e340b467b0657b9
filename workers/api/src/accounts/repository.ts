/** Accounts in D1. */

import type { Principal } from "@goodfood/platform/app";
import { ApiError } from "@goodfood/platform/errors";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { hashPassword, passwordWeakness } from "./domain/passwords";
import type { ProfileView } from "./schemas";

export type AccountRow = typeof schema.accounts.$inferSelect;

export function findAccountByEmail(db: Database, email: string) {
	return db.select().from(schema.accounts).where(eq(schema.accounts.email, email)).get();
}

export function findAccount(db: Database, id: string) {
	return db.select().from(schema.accounts).where(eq(schema.accounts.id, id)).get();
}

export function principalOf(account: AccountRow): Principal {
	return { id: account.id, role: account.role, locations: account.role === "admin" ? [] : account.locations };
}

export function profileOf(account: AccountRow): ProfileView {
	return {
		id: account.id,
		email: account.email,
		role: account.role,
		name: account.name,
		phone: account.phone,
		locations: account.locations,
		addresses: account.addresses,
		dietaryPreferences: account.dietaryPreferences,
		avoidAllergens: account.avoidAllergens,
		favouriteLocation: account.favouriteLocation,
		notificationPreferences: account.notificationPreferences,
		language: account.language,
		emailVerified: account.emailVerifiedAt !== null,
		createdAt: account.createdAt,
	};
}

export interface NewAccount {
	email: string;
	password: string;
	name: string;
	role: AccountRow["role"];
	phone?: string | null;
	locations?: string[];
	/** The customer's preferred language for menus; none leaves it to the browser. */
	language?: AccountRow["language"];
	/** The address is known to be the holder's already (an accepted invitation was e-mailed to it). */
	emailVerified?: boolean;
}

/** Creates an account after the checks every sign-up shares: a strong password and a free email. */
export async function createAccount(db: Database, input: NewAccount): Promise<AccountRow> {
	const weakness = passwordWeakness(input.password, input.email);
	if (weakness) {
		throw new ApiError("validation_failed", `Invalid password: ${weakness}`, [
			{ field: "password", message: weakness },
		]);
	}
	const taken = () =>
		new ApiError("email_taken", "An account with this email exists", [{ field: "email", message: "is taken" }]);
	if (await findAccountByEmail(db, input.email)) throw taken();
	const [account] = await db
		.insert(schema.accounts)
		.values({
			id: `acc_${crypto.randomUUID().replaceAll("-", "")}`,
			email: input.email,
			role: input.role,
			passwordHash: await hashPassword(input.password),
			name: input.name,
			phone: input.phone ?? null,
			language: input.language ?? null,
			emailVerifiedAt: input.emailVerified ? new Date().toISOString() : null,
			locations: input.role === "admin" || input.role === "customer" ? [] : (input.locations ?? []),
		})
		// Two sign-ups racing for one email: the loser gets the same answer.
		.onConflictDoNothing()
		.returning();
	if (!account) throw taken();
	return account;
}
