/**
 * The payment simulator's second step, standing in for a bank's 3-D Secure
 * page: the checkout sends the customer here when their card asks for it, and
 * the choice made here reaches the order as a webhook, as a real bank's would.
 * It is plainly labelled a simulator; with Stripe the customer goes to the
 * bank's own page instead and this one is never reached.
 */
import { useEffect, useState } from "preact/hooks";
import { authenticateSimulatorIntent, simulatorIntent } from "../api/endpoints";
import { messageOf } from "../api/http";
import type { SimulatorIntent } from "../api/types";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { formatMoney } from "../format";
import { Link, navigate, useRoute } from "../router";
import { orderAwaitingAuthentication } from "../state/tracking";

const TITLE = "Test bank — 3-D Secure simulator";

/** Where to go afterwards: the return path the checkout asked for, if it is a path on this site. */
function returnPath(query: URLSearchParams): string {
	const asked = query.get("return");
	if (asked?.startsWith("/") && !asked.startsWith("//")) return asked;
	const orderId = orderAwaitingAuthentication();
	return orderId ? `/orders/${orderId}` : "/";
}

export function PaymentSimulatorPage({ intentId }: { intentId: string }) {
	const { query } = useRoute();
	const [intent, setIntent] = useState<SimulatorIntent | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [sending, setSending] = useState<"approve" | "fail" | null>(null);

	useEffect(() => {
		simulatorIntent(intentId)
			.then(setIntent)
			.catch((failure) => setError(messageOf(failure)));
	}, [intentId]);

	const answer = async (outcome: "approve" | "fail") => {
		setSending(outcome);
		setError(null);
		try {
			await authenticateSimulatorIntent(intentId, outcome);
			navigate(returnPath(query), { replace: true });
		} catch (failure) {
			setError(messageOf(failure));
			setSending(null);
		}
	};

	return (
		<section class="narrow simulator" aria-labelledby="simulator-title">
			<PageHeading title={TITLE}>
				<span id="simulator-title">{TITLE}</span>
			</PageHeading>
			<p class="simulator-banner">
				<strong>Simulator.</strong> No bank and no real card are involved: this page stands in for your bank's security
				check, so the checkout can be tried end to end.
			</p>
			{!intent && !error && <Loading what="the payment" />}
			{intent && (
				<>
					<p>
						GoodFood asks to hold <strong>{formatMoney(intent.amount)}</strong> on your card.
					</p>
					{intent.requiresAction ? (
						<div class="actions">
							<button type="button" class="primary" disabled={sending !== null} onClick={() => answer("approve")}>
								{sending === "approve" ? "Completing…" : "Complete authentication"}
							</button>
							<button type="button" class="danger-outline" disabled={sending !== null} onClick={() => answer("fail")}>
								{sending === "fail" ? "Failing…" : "Fail authentication"}
							</button>
						</div>
					) : (
						<p>
							This payment needs no authentication now (it is {intent.status.replaceAll("_", " ")}).{" "}
							<Link href={returnPath(query)}>Back to your order</Link>
						</p>
					)}
				</>
			)}
			<ErrorMessage message={error} />
		</section>
	);
}
