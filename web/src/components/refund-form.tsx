/**
 * A manager's refund of a handed-over order: part of it or, with no amount,
 * all that is left, and a reason the customer is told. A retry after no
 * answer reuses the attempt's Idempotency-Key, so a refund is given once.
 */
import { useRef, useState } from "preact/hooks";
import { refundOrder } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import type { Money, RefundInput, RefundOutcome } from "../api/types";
import { formatMoney, shortOrderId, toMinor } from "../format";
import { useI18n } from "../i18n";
import { kitchenErrorText, kitchenFieldErrors } from "../i18n/kitchen-errors";
import { newIdempotencyKey } from "../state/tracking";
import { TextField } from "./field";
import { ErrorMessage } from "./page";

/** Minor units from what was typed in the currency's major units, or null when it is not an amount. */
function minorOf(typed: string, currency: string): number | null {
	const trimmed = typed.trim().replace(",", ".");
	if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return null;
	const minor = toMinor(Number(trimmed), currency);
	return minor > 0 ? minor : null;
}

export function RefundForm({
	orderId,
	total,
	onRefunded,
	onClose,
}: {
	orderId: string;
	total: Money;
	onRefunded: (issued: RefundOutcome) => void;
	onClose: () => void;
}) {
	const { t } = useI18n();
	const [amount, setAmount] = useState("");
	const [reason, setReason] = useState("");
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const attempt = useRef<{ body: string; key: string } | null>(null);
	const ref = shortOrderId(orderId);
	const id = `refund-${orderId}`;

	const submit = async (event: Event) => {
		event.preventDefault();
		setError(null);
		const problems: Record<string, string> = {};
		const minor = amount.trim() === "" ? undefined : minorOf(amount, total.currency);
		if (minor === null) problems.amount = t("kitchen.refund.amountInvalid", { currency: total.currency });
		if (!reason.trim()) problems.reason = t("kitchen.refund.reasonMissing");
		setErrors(problems);
		if (Object.keys(problems).length > 0) return;
		const input: RefundInput = { reason: reason.trim(), ...(minor ? { amount: minor } : {}) };
		const body = JSON.stringify(input);
		if (attempt.current?.body !== body) attempt.current = { body, key: newIdempotencyKey() };
		setBusy(true);
		try {
			onRefunded(await refundOrder(orderId, input, attempt.current.key));
		} catch (failure) {
			setError(kitchenErrorText(failure));
			if (failure instanceof ApiFailure) {
				if (failure.status >= 400 && failure.status < 500) attempt.current = null;
				const { fields } = kitchenFieldErrors(failure);
				// More than is left is a matter of the amount typed.
				if (failure.code === "refund_exceeds_remaining") fields.amount ??= kitchenErrorText(failure);
				setErrors(fields);
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="refund-form" onSubmit={submit} noValidate aria-label={t("kitchen.refund.form", { ref })}>
			<ErrorMessage message={error} />
			<TextField
				id={`${id}-amount`}
				label={t("kitchen.refund.amount", { currency: total.currency })}
				hint={t("kitchen.refund.amountHint", { total: formatMoney(total) })}
				inputMode="decimal"
				value={amount}
				onValue={setAmount}
				error={errors.amount}
			/>
			<TextField
				id={`${id}-reason`}
				label={t("kitchen.refund.reason")}
				required
				maxLength={300}
				value={reason}
				onValue={setReason}
				error={errors.reason}
			/>
			<div class="actions">
				<button type="submit" class="danger" disabled={busy}>
					{busy ? t("kitchen.refund.refunding") : t("kitchen.refund.submit")}{" "}
					<span class="visually-hidden">{t("kitchen.board.orderRef", { ref })}</span>
				</button>
				<button type="button" onClick={onClose} disabled={busy}>
					{t("kitchen.refund.close")} <span class="visually-hidden">{t("kitchen.refund.closeWhat", { ref })}</span>
				</button>
			</div>
		</form>
	);
}
