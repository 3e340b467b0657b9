/** The cart's lines with quantity controls, and its totals as the server computed them. */
import { useState } from "preact/hooks";
import type { Cart, CartLine, Menu, Totals } from "../api/types";
import { formatMoney } from "../format";
import { i18n, useI18n } from "../i18n";
import { errorText } from "../i18n/errors";
import { changeQuantity } from "../state/cart";
import { ErrorMessage } from "./page";

export function TotalsTable({ totals, fulfilment }: { totals: Totals; fulfilment: "pickup" | "delivery" }) {
	const { t } = useI18n();
	return (
		<dl class="totals">
			<div>
				<dt>{t("totals.subtotal")}</dt>
				<dd>{formatMoney(totals.subtotal)}</dd>
			</div>
			<div class="muted">
				<dt>{totals.taxIncluded ? t("totals.taxIncluded") : t("totals.tax")}</dt>
				<dd>{formatMoney(totals.tax)}</dd>
			</div>
			{fulfilment === "delivery" && (
				<div>
					<dt>{t("totals.deliveryFee")}</dt>
					<dd>{formatMoney(totals.deliveryFee)}</dd>
				</div>
			)}
			{totals.tip.amount > 0 && (
				<div>
					<dt>{t("totals.tip")}</dt>
					<dd>{formatMoney(totals.tip)}</dd>
				</div>
			)}
			<div class="total">
				<dt>{t("totals.total")}</dt>
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
function lineNames(cart: Cart, names: LineNames): Map<string, string> {
	const { t } = i18n();
	const described = cart.lines.map((line) => {
		const options = names.options(line);
		const details = [options.length > 0 ? options.join(", ") : "", line.note ? `“${line.note}”` : ""].filter(Boolean);
		const name = names.item(line);
		return details.length > 0 ? t("cart.lineWithDetails", { name, details: details.join("; ") }) : name;
	});
	return new Map(
		cart.lines.map((line, index) => {
			const name = described[index];
			const unique = described.indexOf(name) === described.lastIndexOf(name);
			return [line.lineId, unique ? name : t("cart.lineNumbered", { name, number: index + 1 })];
		}),
	);
}

/**
 * A line's item and options named as the menu on screen names them (in the
 * language it was read in), falling back to the names the line was added
 * with when the menu no longer has them.
 */
export interface LineNames {
	item(line: CartLine): string;
	options(line: CartLine): string[];
}

export function lineNamesFrom(menu: Menu | null | undefined): LineNames {
	const items = new Map<string, string>();
	const options = new Map<string, string>();
	for (const category of menu?.categories ?? []) {
		for (const item of category.items) {
			items.set(item.id, item.name);
			for (const group of item.modifierGroups) for (const option of group.options) options.set(option.id, option.name);
		}
	}
	return {
		item: (line) => items.get(line.itemId) ?? line.name,
		options: (line) =>
			line.options.map((option) => ("optionId" in option && options.get(String(option.optionId))) || option.name),
	};
}

export function CartLines({
	cart,
	menu,
	problems = {},
}: {
	cart: Cart;
	/** The menu on screen, whose names (in the chosen language) the lines take. */
	menu?: Menu | null;
	problems?: Record<string, string>;
}) {
	const { t } = useI18n();
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const change = async (lineId: string, quantity: number) => {
		setBusy(true);
		setError(null);
		try {
			await changeQuantity(lineId, quantity);
		} catch (failure) {
			setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};
	const shownNames = lineNamesFrom(menu);
	const names = lineNames(cart, shownNames);
	return (
		<>
			<ul class="cart-lines" aria-label={t("cart.lines")}>
				{cart.lines.map((line) => (
					<li key={line.lineId} class={problems[line.lineId] ? "cart-line has-problem" : "cart-line"}>
						<div class="cart-line-text">
							<span class="cart-line-name">
								{line.quantity} × {shownNames.item(line)}
							</span>
							{line.options.length > 0 && <span class="muted small">{shownNames.options(line).join(", ")}</span>}
							{line.note && <span class="muted small">“{line.note}”</span>}
							{problems[line.lineId] && <span class="field-error">{problems[line.lineId]}</span>}
						</div>
						<span class="cart-line-price">{formatMoney(line.lineTotal)}</span>
						<div class="stepper">
							<button
								type="button"
								aria-label={t("cart.oneLess", { name: names.get(line.lineId) ?? "" })}
								disabled={busy}
								onClick={() => change(line.lineId, line.quantity - 1)}
							>
								−
							</button>
							<button
								type="button"
								aria-label={t("cart.oneMore", { name: names.get(line.lineId) ?? "" })}
								disabled={busy || line.quantity >= 50}
								onClick={() => change(line.lineId, line.quantity + 1)}
							>
								+
							</button>
							<button
								type="button"
								class="link-button"
								disabled={busy}
								aria-label={t("cart.remove", { name: names.get(line.lineId) ?? "" })}
								onClick={() => change(line.lineId, 0)}
							>
								{t("cart.removeButton")}
							</button>
						</div>
					</li>
				))}
			</ul>
			<ErrorMessage message={error} />
		</>
	);
}
