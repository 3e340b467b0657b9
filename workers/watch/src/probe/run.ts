import type { Logger } from "@goodfood/platform/log";

/** Places one test order through the front door and follows it to ready (docs/synthetic-probe.md). */
export async function runSyntheticProbe(_env: WatchEnv, _now: Date, _log: Logger): Promise<void> {
	throw new Error("runSyntheticProbe: being built");
}
