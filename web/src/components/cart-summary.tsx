/** The cart's lines with quantity controls, and its totals as the server computed them. */
import { useState } from "preact/hooks";
import { messageOf } from "../api/http";
import type { Cart, Totals } from "../api/types";
import { formatMoney } from "../format";
import { changeQuantity } from "../state/cart";
import { ErrorMessage } from "./page";

export function TotalsTable({ totals, fulfilment }: { totals: Totals; fulfilment: "pickup" | "delivery" }) {
	return (
		<dl class="totals">
			<div>
				<dt>Subtotal</dt>
				<dd>{formatMoney(totals.subtotal)}</dd>
			</div>
			<div class="muted">
				<dt>{totals.taxIncluded ? "Tax included" : "Tax"}</dt>
				<dd>{formatMoney(totals.tax)}</dd>
			</div>
			{fulfilment === "delivery" && (
				<div>
					<dt>Delivery fee</dt>
					<dd>{formatMoney(totals.deliveryFee)}</dd>
				</div>
			)}
			{totals.tip.amount > 0 && (
				<div>
					<dt>Tip</dt>
					<dd>{formatMoney(totals.tip)}</dd>
				</div>
			)}
			<div class="total">
				<dt>Total</dt>
				<dd data-testid="cart-total">{formatMoney(totals.total)}</dd>
			</div>
		</dl>
	);
}

/**
 * How each line is named to assistive technology: two lines of one item differ
 * by their options or note, so the names say those too (and, should even they
 * match, the line's position).
 */
function lineNames(cart: Cart): Map<string, string> {
	const names = cart.lines.map((line) => {
		const details = [
			line.options.length > 0 ? line.options.map((option) => option.name).join(", ") : "",
			line.note ? `“${line.note}”` : "",
		].filter(Boolean);
		return details.length > 0 ? `${line.name} (${details.join("; ")})` : line.name;
	});
	return new Map(
		cart.lines.map((line, index) => {
			const name = names[index];
			const unique = names.indexOf(name) === names.lastIndexOf(name);
			return [line.lineId, unique ? name : `${name}, line ${index + 1}`];
		}),
	);
}

export function CartLines({ cart, problems = {} }: { cart: Cart; problems?: Record<string, string> }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const change = async (lineId: string, quantity: number) => {
		setBusy(true);
		setError(null);
		try {
			await changeQuantity(lineId, quantity);
		} catch (failure) {
			setError(messageOf(failure));
		} finally {
			setBusy(false);
		}
	};
	const names = lineNames(cart);
	return (
		<>
			<ul class="cart-lines" aria-label="Items in your order">
				{cart.lines.map((line) => (
					<li key={line.lineId} class={problems[line.lineId] ? "cart-line has-problem" : "cart-line"}>
						<div class="cart-line-text">
							<span class="cart-line-name">
								{line.quantity} × {line.name}
							</span>
							{line.options.length > 0 && (
								<span class="muted small">{line.options.map((option) => option.name).join(", ")}</span>
							)}
							{line.note && <span class="muted small">“{line.note}”</span>}
							{problems[line.lineId] && <span class="field-error">{problems[line.lineId]}</span>}
						</div>
						<span class="cart-line-price">{formatMoney(line.lineTotal)}</span>
						<div class="stepper">
							<button
								type="button"
								aria-label={`One less ${names.get(line.lineId)}`}
								disabled={busy}
								onClick={() => change(line.lineId, line.quantity - 1)}
							>
								−
							</button>
							<button
								type="button"
								aria-label={`One more ${names.get(line.lineId)}`}
								disabled={busy || line.quantity >= 50}
								onClick={() => change(line.lineId, line.quantity + 1)}
							>
								+
							</button>
							<button
								type="button"
								class="link-button"
								disabled={busy}
								aria-label={`Remove ${names.get(line.lineId)}`}
								onClick={() => change(line.lineId, 0)}
							>
								Remove
							</button>
						</div>
					</li>
				))}
			</ul>
			<ErrorMessage message={error} />
		</>
	);
}
