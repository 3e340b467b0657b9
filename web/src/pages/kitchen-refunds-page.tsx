/** A location's latest refunds, newest first, for its managers; refunds are given from the board's handed-over orders. */
import { useEffect, useState } from "preact/hooks";
import { locationRefunds } from "../api/endpoints";
import { messageOf } from "../api/http";
import type { Location, LocationRefund } from "../api/types";
import { ErrorMessage, Loading } from "../components/page";
import { formatDayTime, formatMoney, shortOrderId } from "../format";
import { Link } from "../router";
import { canRefund } from "../state/session";
import { KitchenShell } from "./kitchen-shell";

function Refunds({ location }: { location: Location }) {
	const [refunds, setRefunds] = useState<LocationRefund[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const load = () =>
		locationRefunds(location.slug)
			.then(({ refunds: listed }) => {
				setRefunds(listed);
				setError(null);
			})
			.catch((failure) => setError(messageOf(failure)));
	useEffect(() => {
		void load();
	}, [location.slug]);

	if (!refunds) return error ? <ErrorMessage message={error} /> : <Loading what="refunds" />;
	const total = refunds.reduce((sum, refund) => sum + refund.amount.amount, 0);
	return (
		<>
			<div class="toolbar">
				<button type="button" onClick={load}>
					Refresh
				</button>
				<p class="muted small">
					{refunds.length === 0
						? "No refunds yet."
						: `${refunds.length} refund${refunds.length === 1 ? "" : "s"}, ${formatMoney({ amount: total, currency: refunds[0].amount.currency })} in all.`}{" "}
					Refund an order from <Link href={`/kitchen?location=${location.slug}`}>the board</Link>, under “Handed over
					recently”.
				</p>
			</div>
			<ErrorMessage message={error} />
			{refunds.length > 0 && (
				<table class="table">
					<caption class="visually-hidden">Refunds at {location.name}</caption>
					<thead>
						<tr>
							<th scope="col">When</th>
							<th scope="col">Order</th>
							<th scope="col">Amount</th>
							<th scope="col">Reason</th>
						</tr>
					</thead>
					<tbody>
						{refunds.map((refund) => (
							<tr key={refund.refundId}>
								<td>{formatDayTime(refund.refundedAt, location.timeZone)}</td>
								<td>
									<span class="order-ref">{shortOrderId(refund.orderId)}</span>
								</td>
								<td>{formatMoney(refund.amount)}</td>
								<td>{refund.reason}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</>
	);
}

export function KitchenRefundsPage() {
	return (
		<KitchenShell title="Refunds" current="refunds">
			{({ location, profile }) =>
				canRefund(profile.role) ? (
					<Refunds key={location.slug} location={location} />
				) : (
					<p>Refunds are for managers. Ask your location's manager.</p>
				)
			}
		</KitchenShell>
	);
}
