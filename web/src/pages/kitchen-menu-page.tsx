/**
 * The location's menu for staff: every item's sold-out switch, and for
 * managers an editor to change, add and delete items. Reads the origin's menu
 * so each write shows at once.
 */
import { useEffect, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import { createItem, deleteItem, fetchMenuFromOrigin, setSoldOut, updateItem } from "../api/endpoints";
import { ApiFailure, messageOf } from "../api/http";
import type { Allergen, DietaryTag, ItemInput, Location, Menu, MenuCategory, MenuItem } from "../api/types";
import { CheckboxGroup, TextField } from "../components/field";
import { ErrorMessage, Loading } from "../components/page";
import { formatMoney, tagLabel, toMajor, toMinor } from "../format";
import { announce } from "../state/announcer";
import { canEditMenu } from "../state/session";
import { KitchenShell } from "./kitchen-shell";

function SoldOutSwitch({ item, slug, onChanged }: { item: MenuItem; slug: string; onChanged: () => void }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const toggle = async () => {
		setBusy(true);
		setError(null);
		try {
			await setSoldOut(slug, item.id, !item.soldOut);
			announce(`${item.name} is ${item.soldOut ? "back on sale" : "sold out"}`);
			onChanged();
		} catch (failure) {
			setError(messageOf(failure));
		} finally {
			setBusy(false);
		}
	};
	return (
		<div class="switch-field">
			<button
				type="button"
				role="switch"
				class="switch"
				aria-checked={item.soldOut}
				aria-label={`${item.name} sold out`}
				disabled={busy}
				onClick={toggle}
			>
				<span class="switch-track" aria-hidden="true" />
				<span class="switch-text">{item.soldOut ? "Sold out" : "On sale"}</span>
			</button>
			<ErrorMessage message={error} />
		</div>
	);
}

interface Draft {
	name: string;
	description: string;
	price: string;
	allergens: Allergen[];
	dietaryTags: DietaryTag[];
}

function ItemEditor({
	slug,
	category,
	currency,
	item,
	onDone,
}: {
	slug: string;
	category: MenuCategory;
	currency: string;
	item?: MenuItem;
	onDone: (changed: boolean) => void;
}) {
	const [draft, setDraft] = useState<Draft>({
		name: item?.name ?? "",
		description: item?.description ?? "",
		price: item ? String(toMajor(item.price)) : "",
		allergens: item?.allergens ?? [],
		dietaryTags: item?.dietaryTags ?? [],
	});
	const [fields, setFields] = useState<Record<string, string>>({});
	const [error, setError] = useState<string | null>(null);
	const [confirmDelete, setConfirmDelete] = useState(false);
	const idPrefix = item ? `edit-${item.id}` : `new-${category.id}`;

	const save = async (event: Event) => {
		event.preventDefault();
		setError(null);
		setFields({});
		const major = Number.parseFloat(draft.price.replace(",", "."));
		if (!Number.isFinite(major) || major < 0) {
			setFields({ "price.amount": "Enter a price such as 4.50" });
			setError("The price is not a number.");
			return;
		}
		const input: ItemInput = {
			categoryId: category.id,
			name: draft.name.trim(),
			description: draft.description.trim(),
			price: { amount: toMinor(major, currency), currency },
			allergens: draft.allergens,
			dietaryTags: draft.dietaryTags,
		};
		try {
			if (item) await updateItem(slug, item.id, input);
			else await createItem(slug, input);
			announce(`${input.name} saved`);
			onDone(true);
		} catch (failure) {
			setError(messageOf(failure));
			if (failure instanceof ApiFailure) setFields(failure.fields);
		}
	};

	const remove = async () => {
		if (!item) return;
		try {
			await deleteItem(slug, item.id);
			announce(`${item.name} deleted`);
			onDone(true);
		} catch (failure) {
			setError(messageOf(failure));
		}
	};

	return (
		<form
			class="item-editor"
			onSubmit={save}
			noValidate
			aria-label={item ? `Edit ${item.name}` : `New item in ${category.name}`}
		>
			<ErrorMessage message={error} />
			<TextField
				id={`${idPrefix}-name`}
				label="Name"
				required
				value={draft.name}
				onValue={(name) => setDraft({ ...draft, name })}
				error={fields.name}
			/>
			<TextField
				id={`${idPrefix}-description`}
				label="Description"
				value={draft.description}
				onValue={(description) => setDraft({ ...draft, description })}
				error={fields.description}
			/>
			<TextField
				id={`${idPrefix}-price`}
				label={`Price (${currency})`}
				inputMode="decimal"
				required
				value={draft.price}
				onValue={(price) => setDraft({ ...draft, price })}
				error={fields["price.amount"] ?? fields.price}
			/>
			<details>
				<summary>Allergens and dietary tags</summary>
				<CheckboxGroup
					legend="Contains"
					name={`${idPrefix}-allergens`}
					values={EU_ALLERGENS}
					selected={draft.allergens}
					onChange={(allergens) => setDraft({ ...draft, allergens })}
					label={tagLabel}
				/>
				<CheckboxGroup
					legend="Dietary tags"
					name={`${idPrefix}-diets`}
					values={DIETARY_TAGS}
					selected={draft.dietaryTags}
					onChange={(dietaryTags) => setDraft({ ...draft, dietaryTags })}
					label={tagLabel}
				/>
			</details>
			<div class="actions">
				<button type="submit" class="primary">
					{item ? "Save changes" : "Add item"}
				</button>
				<button type="button" onClick={() => onDone(false)}>
					Cancel
				</button>
				{item &&
					(confirmDelete ? (
						<button type="button" class="danger" onClick={remove}>
							Delete {item.name} for good
						</button>
					) : (
						<button type="button" class="danger-outline" onClick={() => setConfirmDelete(true)}>
							Delete…
						</button>
					))}
			</div>
		</form>
	);
}

function MenuManager({ location, editable }: { location: Location; editable: boolean }) {
	const [menu, setMenu] = useState<Menu | null>(null);
	const [error, setError] = useState<string | null>(null);
	const [editing, setEditing] = useState<string | null>(null);

	const reload = () =>
		fetchMenuFromOrigin(location.slug)
			.then(setMenu)
			.catch((failure) => setError(messageOf(failure)));

	useEffect(() => {
		reload();
	}, [location.slug]);

	if (!menu) return error ? <ErrorMessage message={error} /> : <Loading what="the menu" />;

	const done = (changed: boolean) => {
		setEditing(null);
		if (changed) reload();
	};

	return (
		<div class="menu-manager">
			<ErrorMessage message={error} />
			{menu.categories.map((category) => (
				<section key={category.id} aria-labelledby={`manage-${category.id}`} class="card">
					<h2 id={`manage-${category.id}`}>{category.name}</h2>
					<ul class="manage-list">
						{category.items.map((item) => (
							<li key={item.id} class="manage-row">
								<div class="manage-item">
									<span class="item-name">{item.name}</span>
									<span class="muted small">{formatMoney(item.price)}</span>
								</div>
								<SoldOutSwitch item={item} slug={location.slug} onChanged={reload} />
								{editable && editing !== item.id && (
									<button type="button" onClick={() => setEditing(item.id)}>
										Edit <span class="visually-hidden">{item.name}</span>
									</button>
								)}
								{editing === item.id && (
									<ItemEditor
										slug={location.slug}
										category={category}
										currency={location.currency}
										item={item}
										onDone={done}
									/>
								)}
							</li>
						))}
					</ul>
					{editable &&
						(editing === `new:${category.id}` ? (
							<ItemEditor slug={location.slug} category={category} currency={location.currency} onDone={done} />
						) : (
							<button type="button" onClick={() => setEditing(`new:${category.id}`)}>
								New item in {category.name}
							</button>
						))}
				</section>
			))}
		</div>
	);
}

export function KitchenMenuPage() {
	return (
		<KitchenShell title="Menu" current="menu">
			{({ location, profile }) => (
				<MenuManager key={location.slug} location={location} editable={canEditMenu(profile.role)} />
			)}
		</KitchenShell>
	);
}
