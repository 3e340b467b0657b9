/** The migration check's report, for a person reading a terminal and for a pipeline reading the last line. */
import type { MigrationVerdict } from "./compatibility";

/** The report, one line per migration and the reasons under each refused one, then a `key=value` summary. */
export function formatReport(verdicts: readonly MigrationVerdict[], running?: string): string[] {
	const lines: string[] = [];
	for (const verdict of verdicts) {
		const rebuilt =
			verdict.rebuilds.length > 0 ? ` (rebuilds ${verdict.rebuilds.join(", ")} keeping every column)` : "";
		if (verdict.status === "ok") lines.push(`ok       ${verdict.path}${rebuilt}`);
		if (verdict.status === "contract") {
			lines.push(`contract ${verdict.path}: declared ${verdict.contracts.join(", ")}${rebuilt}`);
		}
		if (verdict.status === "refused") {
			lines.push(`refused  ${verdict.path}`);
			for (const refusal of verdict.refusals) {
				lines.push(`  line ${refusal.line} [${refusal.rule}]: ${refusal.statement}`);
				lines.push(`    ${refusal.reason}`);
				lines.push(`    instead: ${refusal.instead}`);
			}
		}
	}
	const count = (status: MigrationVerdict["status"]) => verdicts.filter((verdict) => verdict.status === status).length;
	const scope = running === undefined ? `checked=${verdicts.length}` : `running=${running} pending=${verdicts.length}`;
	const result = count("refused") > 0 ? "refused" : "passed";
	lines.push(
		`migrations ${result}: ${scope} ok=${count("ok")} contract=${count("contract")} refused=${count("refused")}`,
	);
	return lines;
}
