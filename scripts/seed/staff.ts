/**
 * Demo accounts for local development, one of each role. Their passwords are
 * published here on purpose: they exist only in local and test databases.
 */
import { hashPassword } from "../../workers/api/src/accounts/domain/passwords";

export interface DemoAccount {
	id: string;
	email: string;
	password: string;
	name: string;
	role: "customer" | "kitchen" | "manager" | "admin";
	locations: string[];
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
	{
		id: "acc-demo-admin",
		email: "admin@goodfood.local",
		password: "admin-local-only-1",
		name: "Alex Admin",
		role: "admin",
		locations: [],
	},
	{
		id: "acc-demo-manager-soho",
		email: "manager.soho@goodfood.local",
		password: "manager-local-only-1",
		name: "Morgan Manager",
		role: "manager",
		locations: ["london-soho"],
	},
	{
		id: "acc-demo-kitchen-soho",
		email: "kitchen.soho@goodfood.local",
		password: "kitchen-local-only-1",
		name: "Kit Soho",
		role: "kitchen",
		locations: ["london-soho"],
	},
	{
		id: "acc-demo-kitchen-chelsea",
		email: "kitchen.chelsea@goodfood.local",
		password: "kitchen-local-only-2",
		name: "Kai Chelsea",
		role: "kitchen",
		locations: ["new-york-chelsea"],
	},
	{
		id: "acc-demo-customer",
		email: "customer@goodfood.local",
		password: "customer-local-only-1",
		name: "Casey Customer",
		role: "customer",
		locations: [],
	},
];

function literal(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

/**
 * INSERT statements for the demo accounts, passwords hashed as in production,
 * each address confirmed (a demo customer saves addresses at once).
 */
export async function demoAccountStatements(accounts: DemoAccount[] = DEMO_ACCOUNTS): Promise<string[]> {
	return Promise.all(
		accounts.map(
			async (account) =>
				`INSERT INTO accounts (id, email, role, password_hash, name, locations, email_verified_at) VALUES (${[
					account.id,
					account.email,
					account.role,
					await hashPassword(account.password),
					account.name,
					JSON.stringify(account.locations),
				]
					.map(literal)
					.join(", ")}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));`,
		),
	);
}
