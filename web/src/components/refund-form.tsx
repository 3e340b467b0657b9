/**
 * A manager's refund of a handed-over order: part of it or, with no amount,
 * all that is left, and a reason the customer is told. A retry after no
 * answer reuses the attempt's Idempotency-Key, so a refund is given once.
 */
import { useRef, useState } from "preact/hooks";
import { refundOrder } from "../api/endpoints";
import { ApiFailure, messageOf } from "../api/http";
import type { Money, RefundInput, RefundOutcome } from "../api/types";
import { formatMoney, shortOrderId, toMinor } from "../format";
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
		if (minor === null) problems.amount = `Enter an amount in ${total.currency}, such as 4.50, or leave it empty.`;
		if (!reason.trim()) problems.reason = "Say why, for the customer.";
		setErrors(problems);
		if (Object.keys(problems).length > 0) return;
		const input: RefundInput = { reason: reason.trim(), ...(minor ? { amount: minor } : {}) };
		const body = JSON.stringify(input);
		if (attempt.current?.body !== body) attempt.current = { body, key: newIdempotencyKey() };
		setBusy(true);
		try {
			onRefunded(await refundOrder(orderId, input, attempt.current.key));
		} catch (failure) {
			setError(messageOf(failure));
			if (failure instanceof ApiFailure) {
				if (failure.status >= 400 && failure.status < 500) attempt.current = null;
				const fields = failure.fields;
				// More than is left is a matter of the amount typed.
				if (failure.code === "refund_exceeds_remaining") fields.amount ??= failure.message;
				setErrors(fields);
			}
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="refund-form" onSubmit={submit} noValidate aria-label={`Refund order ${ref}`}>
			<ErrorMessage message={error} />
			<TextField
				id={`${id}-amount`}
				label={`Amount to refund (${total.currency})`}
				hint={`Leave empty to refund all that is left of ${formatMoney(total)}.`}
				inputMode="decimal"
				value={amount}
				onValue={setAmount}
				error={errors.amount}
			/>
			<TextField
				id={`${id}-reason`}
				label="Reason, for the customer"
				required
				maxLength={300}
				value={reason}
				onValue={setReason}
				error={errors.reason}
			/>
			<div class="actions">
				<button type="submit" class="danger" disabled={busy}>
					{busy ? "Refunding…" : "Refund"} <span class="visually-hidden">order {ref}</span>
				</button>
				<button type="button" onClick={onClose} disabled={busy}>
					Close <span class="visually-hidden">refund of order {ref}</span>
				</button>
			</div>
		</form>
	);
}
