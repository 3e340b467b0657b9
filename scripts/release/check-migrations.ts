/**
 * `npm run migrations:check`: every D1 migration against the compatibility
 * rules (docs/migrations.md), one line each; exits 1 when any is refused.
 *
 * `npm run migrations:check -- --running <git ref>`: only the migrations the
 * running version does not have yet, which the release would apply while that
 * version serves, and refused too when they remove a name its code mentions.
 */
import { parseArgs } from "node:util";
import { formatReport } from "./migrations/report";
import { checkRepository } from "./migrations/repository";

function main(): number {
	const { values } = parseArgs({ options: { running: { type: "string" } } });
	let check: ReturnType<typeof checkRepository>;
	try {
		check = checkRepository(process.cwd(), { running: values.running });
	} catch (error) {
		console.error(`migrations check failed: ${error instanceof Error ? error.message : String(error)}`);
		return 2;
	}
	if (check.running !== undefined && check.verdicts.length === 0) {
		console.log(`No migrations pending against ${values.running} (${check.running}).`);
	}
	for (const line of formatReport(check.verdicts, check.running)) console.log(line);
	return check.verdicts.some((verdict) => verdict.status === "refused") ? 1 : 0;
}

process.exitCode = main();
