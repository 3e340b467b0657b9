/**
 * The payment simulator's second step, standing in for a bank's 3-D Secure
 * page: the checkout sends the customer here when their card asks for it, and
 * the choice made here reaches the order as a webhook, as a real bank's would.
 * It is plainly labelled a simulator; with Stripe the customer goes to the
 * bank's own page instead and this one is never reached.
 */
import { useEffect, useState } from "preact/hooks";
import { authenticateSimulatorIntent, simulatorIntent } from "../api/endpoints";
import type { SimulatorIntent } from "../api/types";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { formatMoney } from "../format";
import { useI18n } from "../i18n";
import { errorText } from "../i18n/errors";
import { Link, navigate, useRoute } from "../router";
import { orderAwaitingAuthentication } from "../state/tracking";

/** Where to go afterwards: the return path the checkout asked for, if it is a path on this site. */
function returnPath(query: URLSearchParams): string {
	const asked = query.get("return");
	if (asked?.startsWith("/") && !asked.startsWith("//")) return asked;
	const orderId = orderAwaitingAuthentication();
	return orderId ? `/orders/${orderId}` : "/";
}

export function PaymentSimulatorPage({ intentId }: { intentId: string }) {
	const { query } = useRoute();
	const { t, rich } = useI18n();
	const title = t("simulator.title");
	const [intent, setIntent] = useState<SimulatorIntent | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [sending, setSending] = useState<"approve" | "fail" | null>(null);

	useEffect(() => {
		simulatorIntent(intentId)
			.then(setIntent)
			.catch((failure) => setError(errorText(failure)));
	}, [intentId]);

	const answer = async (outcome: "approve" | "fail") => {
		setSending(outcome);
		setError(null);
		try {
			await authenticateSimulatorIntent(intentId, outcome);
			navigate(returnPath(query), { replace: true });
		} catch (failure) {
			setError(errorText(failure));
			setSending(null);
		}
	};

	return (
		<section class="narrow simulator" aria-labelledby="simulator-title">
			<PageHeading title={title}>
				<span id="simulator-title">{title}</span>
			</PageHeading>
			<p class="simulator-banner">{rich("simulator.banner", { strong: (chunks) => <strong>{chunks}</strong> })}</p>
			{!intent && !error && <Loading what={t("simulator.loading")} />}
			{intent && (
				<>
					<p>
						{rich("simulator.hold", {
							amount: formatMoney(intent.amount),
							strong: (chunks) => <strong>{chunks}</strong>,
						})}
					</p>
					{intent.requiresAction ? (
						<div class="actions">
							<button type="button" class="primary" disabled={sending !== null} onClick={() => answer("approve")}>
								{sending === "approve" ? t("simulator.completing") : t("simulator.complete")}
							</button>
							<button type="button" class="danger-outline" disabled={sending !== null} onClick={() => answer("fail")}>
								{sending === "fail" ? t("simulator.failing") : t("simulator.fail")}
							</button>
						</div>
					) : (
						<p>
							{t("simulator.notNeeded", { status: intent.status.replaceAll("_", " ") })}{" "}
							<Link href={returnPath(query)}>{t("simulator.back")}</Link>
						</p>
					)}
				</>
			)}
			<ErrorMessage message={error} />
		</section>
	);
}
