import type { Logger } from "@goodfood/platform/log";

/** Checks every objective and alert condition once (docs/operations.md#alerts). */
export async function checkServiceLevels(_env: WatchEnv, _now: Date, _log: Logger): Promise<void> {
	throw new Error("checkServiceLevels: being built");
}
