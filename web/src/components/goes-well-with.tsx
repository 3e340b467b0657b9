/**
 * "Goes well with" in the cart: a few items often ordered with what is in it,
 * asked of GET /recommendations whenever the cart or the allergens to avoid
 * change. The server never suggests what is in the cart, sold out, or unsafe
 * for the avoided allergens; the menu on screen is checked again so a
 * suggestion that just sold out or is unsafe never shows. Nothing is shown
 * when there is nothing to suggest.
 */
import { useEffect, useState } from "preact/hooks";
import { goesWellWith } from "../api/endpoints";

import type { Cart, Menu, MenuCategory, MenuItem, Recommendation } from "../api/types";
import { formatMoney } from "../format";
import { useI18n } from "../i18n";
import { errorText } from "../i18n/errors";
import { ErrorMessage } from "./page";

/** Enough to choose from without crowding the cart. */
const SHOWN = 4;

interface Suggestion {
	item: MenuItem;
	category: MenuCategory;
	reason: string;
}

/** The menu's own item for each suggestion, dropping any the menu on screen says cannot be added or is unsafe. */
function onMenu(recommendations: readonly Recommendation[], menu: Menu, avoid: readonly string[]): Suggestion[] {
	const found = new Map<string, { item: MenuItem; category: MenuCategory }>();
	for (const category of menu.categories) for (const item of category.items) found.set(item.id, { item, category });
	return recommendations.flatMap(({ item: { id }, reason }) => {
		const entry = found.get(id);
		if (!entry || entry.item.soldOut || entry.item.allergens.some((allergen) => avoid.includes(allergen))) return [];
		return [{ ...entry, reason }];
	});
}

/** Whether adding needs the item's dialog: a group the customer must choose from. */
function needsChoices(item: MenuItem): boolean {
	return item.modifierGroups.some((group) => group.minSelections > 0);
}

export function GoesWellWith({
	slug,
	cart,
	menu,
	avoid,
	onChoose,
	onAdd,
}: {
	slug: string;
	cart: Cart;
	menu: Menu;
	avoid: readonly string[];
	/** Opens the item's dialog, for an item with options to choose. */
	onChoose: (item: MenuItem, category: MenuCategory) => void;
	/** Adds one of an item with no choices to make. */
	onAdd: (item: MenuItem) => Promise<unknown>;
}) {
	const { t } = useI18n();
	const [recommendations, setRecommendations] = useState<Recommendation[]>([]);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	// The cart's items and the allergens, as values: a new cart object with the same contents asks nothing again.
	const contents = cart.lines
		.map((line) => line.itemId)
		.sort()
		.join(",");
	const avoiding = [...avoid].sort().join(",");

	useEffect(() => {
		let current = true;
		goesWellWith(slug, cart.id, avoiding ? avoiding.split(",") : [], SHOWN)
			.then((answer) => current && setRecommendations(answer.recommendations))
			// Suggestions are a nicety: when they cannot be had, the cart simply shows none.
			.catch(() => current && setRecommendations([]));
		return () => {
			current = false;
		};
	}, [slug, cart.id, contents, avoiding]);

	const suggestions = onMenu(recommendations, menu, avoid).slice(0, SHOWN);
	if (suggestions.length === 0) return null;

	const add = async ({ item, category }: Suggestion) => {
		if (needsChoices(item)) {
			onChoose(item, category);
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await onAdd(item);
		} catch (failure) {
			setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section aria-labelledby="goes-well-with-heading">
			<h3 id="goes-well-with-heading">{t("goesWellWith.title")}</h3>
			{/* The cart's own line styles: a suggestion reads like the line it would become. */}
			<ul class="cart-lines" aria-label={t("goesWellWith.suggestions")}>
				{suggestions.map((suggestion) => (
					<li key={suggestion.item.id} class="cart-line" data-suggested-item={suggestion.item.id}>
						<div class="cart-line-text">
							<span class="cart-line-name">{suggestion.item.name}</span>
							<span class="muted small">{suggestion.reason}</span>
						</div>
						<span class="cart-line-price">{formatMoney(suggestion.item.price)}</span>
						<div class="stepper">
							<button
								type="button"
								// Not "Add <name>": that names the menu's own button for the item.
								aria-label={t("goesWellWith.add", { name: suggestion.item.name })}
								disabled={busy}
								onClick={() => add(suggestion)}
							>
								{t("menu.add")}
							</button>
						</div>
					</li>
				))}
			</ul>
			<ErrorMessage message={error} />
		</section>
	);
}
