/** Refusals as plain data: only plain data crosses RPC intact, so rule violations become refused outcomes. */
import { type Outcome, RuleViolationError } from "@goodfood/platform/rule-violation";
import { IllegalTransition } from "../../workers/api/src/ordering/domain/order";

/** Runs a command, turning a rule violation or an illegal transition into a refused outcome. */
export async function outcome<T>(run: () => Promise<T> | T): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await run() };
	} catch (error) {
		if (error instanceof RuleViolationError) return { ok: false, violation: error.violation };
		if (error instanceof IllegalTransition) {
			const { current, requested, allowed } = error;
			return {
				ok: false,
				violation: { code: "illegal_transition", message: error.message, details: { current, requested, allowed } },
			};
		}
		throw error;
	}
}

/** The violation code of a refused outcome, for the call's log line. */
export function refusalOf(result: unknown): string | undefined {
	const refused = result as { ok?: boolean; violation?: { code: string } } | null;
	return refused?.ok === false ? refused.violation?.code : undefined;
}
