/** A location's latest refunds, newest first, for its managers; refunds are given from the board's handed-over orders. */
import { useEffect, useState } from "preact/hooks";
import { locationRefunds } from "../api/endpoints";
import type { Location, LocationRefund } from "../api/types";
import { ErrorMessage } from "../components/page";
import { formatDayTime, formatMoney, shortOrderId } from "../format";
import { useI18n } from "../i18n";
import { kitchenErrorText } from "../i18n/kitchen-errors";
import { Link } from "../router";
import { canRefund } from "../state/session";
import { KitchenLoading, KitchenShell } from "./kitchen-shell";

function Refunds({ location }: { location: Location }) {
	const { t, rich } = useI18n();
	const [refunds, setRefunds] = useState<LocationRefund[] | null>(null);
	const [error, setError] = useState<string | null>(null);
	const load = () =>
		locationRefunds(location.slug)
			.then(({ refunds: listed }) => {
				setRefunds(listed);
				setError(null);
			})
			.catch((failure) => setError(kitchenErrorText(failure)));
	useEffect(() => {
		void load();
	}, [location.slug]);

	if (!refunds)
		return error ? <ErrorMessage message={error} /> : <KitchenLoading message={t("kitchen.refunds.loading")} />;
	const total = refunds.reduce((sum, refund) => sum + refund.amount.amount, 0);
	return (
		<>
			<div class="toolbar">
				<button type="button" onClick={load}>
					{t("kitchen.refresh")}
				</button>
				<p class="muted small">
					{refunds.length === 0
						? t("kitchen.refunds.none")
						: t("kitchen.refunds.summary", {
								count: refunds.length,
								total: formatMoney({ amount: total, currency: refunds[0].amount.currency }),
							})}{" "}
					{rich("kitchen.refunds.how", {
						board: (chunks) => <Link href={`/kitchen?location=${location.slug}`}>{chunks}</Link>,
					})}
				</p>
			</div>
			<ErrorMessage message={error} />
			{refunds.length > 0 && (
				<table class="table">
					<caption class="visually-hidden">{t("kitchen.refunds.caption", { location: location.name })}</caption>
					<thead>
						<tr>
							<th scope="col">{t("kitchen.refunds.when")}</th>
							<th scope="col">{t("kitchen.refunds.order")}</th>
							<th scope="col">{t("kitchen.refunds.amount")}</th>
							<th scope="col">{t("kitchen.refunds.reason")}</th>
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
	const { t } = useI18n();
	return (
		<KitchenShell title={t("kitchen.refunds.title")} current="refunds">
			{({ location, profile }) =>
				canRefund(profile.role) ? (
					<Refunds key={location.slug} location={location} />
				) : (
					<p>{t("kitchen.refunds.managersOnly")}</p>
				)
			}
		</KitchenShell>
	);
}
