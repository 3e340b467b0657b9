/**
 * The location's menu for staff: every item's sold-out switch, and for
 * managers an editor to add, rename and delete categories (with their
 * availability windows in local time) and to change, add and delete items
 * with their option groups. Reads the origin's menu so each write shows at once.
 */
import { useEffect, useState } from "preact/hooks";
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import {
	createCategory,
	createItem,
	deleteCategory,
	deleteItem,
	fetchMenuFromOrigin,
	setSoldOut,
	updateCategory,
	updateItem,
} from "../api/endpoints";
import { ApiFailure, type FieldIssue, messageOf } from "../api/http";
import type {
	Allergen,
	AvailabilityWindow,
	CategoryInput,
	DietaryTag,
	ItemInput,
	Location,
	Menu,
	MenuCategory,
	MenuItem,
	ModifierGroup,
	ModifierGroupInput,
	ModifierOptionInput,
} from "../api/types";
import { knownAllergens, knownDietaryTags } from "../api/vocabulary";
import { CheckboxGroup, TextField } from "../components/field";
import {
	AvailabilityEditor,
	type GroupDraft,
	ModifierGroupsEditor,
	Refusal,
	rowKey,
	type WindowDraft,
} from "../components/menu-editor-fields";
import { ErrorMessage, Loading } from "../components/page";
import { formatMoney, formatWindows, tagLabel, toMajor, toMinor } from "../format";
import { announce } from "../state/announcer";
import { canEditMenu } from "../state/session";
import { KitchenShell } from "./kitchen-shell";

/** A form's refusal: the envelope's message, its details, and the details by field path for the controls. */
interface FormError {
	message: string | null;
	details: FieldIssue[];
	fields: Record<string, string>;
}

const NO_ERROR: FormError = { message: null, details: [], fields: {} };

function refusalOf(failure: unknown): FormError {
	if (failure instanceof ApiFailure) {
		const details = Array.isArray(failure.details)
			? (failure.details as FieldIssue[]).filter((issue) => issue && typeof issue.field === "string")
			: [];
		return { message: failure.message, details, fields: failure.fields };
	}
	return { message: messageOf(failure), details: [], fields: {} };
}

/** Checked before sending: what the browser can tell is not a number. */
function localRefusal(fields: Record<string, string>): FormError {
	return {
		message: "Some values are not numbers; correct the fields marked below.",
		details: Object.entries(fields).map(([field, message]) => ({ field, message })),
		fields,
	};
}

function parseMajor(text: string): number | null {
	const trimmed = text.trim().replace(",", ".");
	if (trimmed === "") return null;
	const major = Number(trimmed);
	return Number.isFinite(major) && major >= 0 ? major : null;
}

function parseCount(text: string): number | null {
	return /^\s*\d{1,2}\s*$/.test(text) ? Number(text) : null;
}

function groupDrafts(groups: ModifierGroup[]): GroupDraft[] {
	return groups.map((group) => ({
		key: rowKey(),
		name: group.name,
		min: String(group.minSelections),
		max: String(group.maxSelections),
		options: group.options.map((option) => ({
			key: rowKey(),
			name: option.name,
			delta: String(toMajor(option.priceDelta)),
			allergens: knownAllergens(option.allergens),
		})),
	}));
}

/** The groups as the API takes them, or the fields the browser already knows are wrong. */
function groupInputs(
	groups: GroupDraft[],
	currency: string,
): { groups: ModifierGroupInput[]; fields: Record<string, string> } {
	const fields: Record<string, string> = {};
	const inputs = groups.map((group, index) => {
		const min = parseCount(group.min);
		const max = parseCount(group.max);
		if (min === null) fields[`modifierGroups.${index}.minSelections`] = "Enter a whole number such as 0 or 1";
		if (max === null) fields[`modifierGroups.${index}.maxSelections`] = "Enter a whole number such as 1";
		return {
			name: group.name.trim(),
			minSelections: min ?? 0,
			maxSelections: max ?? 1,
			options: group.options.map((option, optionIndex) => {
				const delta = option.delta.trim() === "" ? 0 : parseMajor(option.delta);
				if (delta === null) {
					fields[`modifierGroups.${index}.options.${optionIndex}.priceDelta.amount`] =
						"Enter a price change such as 0.50";
				}
				return {
					name: option.name.trim(),
					priceDelta: { amount: toMinor(delta ?? 0, currency), currency },
					allergens: option.allergens ?? [],
				};
			}),
		};
	});
	return { groups: inputs, fields };
}

/** What sameGroups compares, which a group as the menu shows it and as the API takes it both have. */
type GroupShape = Pick<ModifierGroupInput, "name" | "minSelections" | "maxSelections"> & {
	options: Pick<ModifierOptionInput, "name" | "priceDelta">[];
};

function sameGroups(inputs: ModifierGroupInput[], groups: ModifierGroup[]): boolean {
	const shape = (list: GroupShape[]) =>
		JSON.stringify(
			list.map((group) => [
				group.name,
				group.minSelections,
				group.maxSelections,
				group.options.map((option) => [option.name, option.priceDelta?.amount ?? 0]),
			]),
		);
	return shape(inputs) === shape(groups);
}

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
	groups: GroupDraft[];
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
	const [draft, setDraft] = useState<Draft>(() => ({
		name: item?.name ?? "",
		description: item?.description ?? "",
		price: item ? String(toMajor(item.price)) : "",
		allergens: knownAllergens(item?.allergens ?? []),
		dietaryTags: knownDietaryTags(item?.dietaryTags ?? []),
		groups: groupDrafts(item?.modifierGroups ?? []),
	}));
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const [confirmDelete, setConfirmDelete] = useState(false);
	const idPrefix = item ? `edit-${item.id}` : `new-${category.id}`;
	const fields = error.fields;

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		const major = parseMajor(draft.price);
		const groups = groupInputs(draft.groups, currency);
		const local = { ...groups.fields };
		if (major === null) local["price.amount"] = "Enter a price such as 4.50";
		if (Object.keys(local).length > 0) {
			setError(localRefusal(local));
			return;
		}
		const input: ItemInput = {
			categoryId: category.id,
			name: draft.name.trim(),
			description: draft.description.trim(),
			price: { amount: toMinor(major ?? 0, currency), currency },
			allergens: draft.allergens,
			dietaryTags: draft.dietaryTags,
		};
		// Replacing the groups gives their options new ids, so send them only when they changed.
		if (!item || !sameGroups(groups.groups, item.modifierGroups)) input.modifierGroups = groups.groups;
		setBusy(true);
		try {
			if (item) await updateItem(slug, item.id, input);
			else await createItem(slug, { ...input, position: category.items.length });
			announce(`${input.name} saved`);
			onDone(true);
		} catch (failure) {
			setError(refusalOf(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		if (!item) return;
		try {
			await deleteItem(slug, item.id);
			announce(`${item.name} deleted`);
			onDone(true);
		} catch (failure) {
			setError(refusalOf(failure));
		}
	};

	return (
		<form
			class="item-editor"
			onSubmit={save}
			noValidate
			aria-label={item ? `Edit ${item.name}` : `New item in ${category.name}`}
		>
			<Refusal message={error.message} details={error.details} />
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
				error={fields["price.amount"] ?? fields.price ?? fields["price.currency"]}
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
			<ModifierGroupsEditor
				idPrefix={idPrefix}
				currency={currency}
				groups={draft.groups}
				onChange={(groups) => setDraft({ ...draft, groups })}
				errors={fields}
			/>
			{fields.modifierGroups && <p class="field-error">{fields.modifierGroups}</p>}
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
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

function windowDrafts(windows: AvailabilityWindow[]): WindowDraft[] {
	return windows.map((window) => ({ key: rowKey(), from: window.from, until: window.until, days: window.days ?? [] }));
}

/** A category's name, description and availability windows; for an existing one, its deletion with its items. */
function CategoryEditor({
	slug,
	timeZone,
	position,
	category,
	onDone,
}: {
	slug: string;
	timeZone: string;
	position: number;
	category?: MenuCategory;
	onDone: (changed: boolean) => void;
}) {
	const [name, setName] = useState(category?.name ?? "");
	const [description, setDescription] = useState(category?.description ?? "");
	const [windows, setWindows] = useState<WindowDraft[]>(() => windowDrafts(category?.availability ?? []));
	const [error, setError] = useState<FormError>(NO_ERROR);
	const [busy, setBusy] = useState(false);
	const [confirmDelete, setConfirmDelete] = useState(false);
	const idPrefix = category ? `category-${category.id}` : "new-category";

	const save = async (event: Event) => {
		event.preventDefault();
		setError(NO_ERROR);
		const input: CategoryInput = {
			name: name.trim(),
			description: description.trim(),
			availability: windows.map((window) => ({
				from: window.from,
				until: window.until,
				...(window.days.length > 0 ? { days: window.days } : {}),
			})),
		};
		setBusy(true);
		try {
			if (category) await updateCategory(slug, category.id, input);
			else await createCategory(slug, { ...input, position });
			announce(`Category ${input.name} saved`);
			onDone(true);
		} catch (failure) {
			setError(refusalOf(failure));
		} finally {
			setBusy(false);
		}
	};

	const remove = async () => {
		if (!category) return;
		try {
			await deleteCategory(slug, category.id);
			announce(`Category ${category.name} deleted`);
			onDone(true);
		} catch (failure) {
			setError(refusalOf(failure));
		}
	};

	const items = category?.items.length ?? 0;
	return (
		<form
			class="item-editor category-editor"
			onSubmit={save}
			noValidate
			aria-label={category ? `Edit category ${category.name}` : "New category"}
		>
			<Refusal message={error.message} details={error.details} />
			<TextField
				id={`${idPrefix}-name`}
				label="Category name"
				required
				value={name}
				onValue={setName}
				error={error.fields.name}
			/>
			<TextField
				id={`${idPrefix}-description`}
				label="Category description"
				value={description}
				onValue={setDescription}
				error={error.fields.description}
			/>
			<AvailabilityEditor
				idPrefix={idPrefix}
				timeZone={timeZone}
				windows={windows}
				onChange={setWindows}
				errors={error.fields}
			/>
			<div class="actions">
				<button type="submit" class="primary" disabled={busy}>
					{category ? "Save category" : "Add category"}
				</button>
				<button type="button" onClick={() => onDone(false)}>
					Cancel
				</button>
				{category &&
					(confirmDelete ? (
						<button type="button" class="danger" onClick={remove}>
							Delete {category.name} and its {items} {items === 1 ? "item" : "items"} for good
						</button>
					) : (
						<button type="button" class="danger-outline" onClick={() => setConfirmDelete(true)}>
							Delete category…
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
					{category.availability.length > 0 && (
						<p class="muted small">
							Available {formatWindows(category.availability)} ({location.timeZone})
						</p>
					)}
					{editable &&
						(editing === `category:${category.id}` ? (
							<CategoryEditor
								slug={location.slug}
								timeZone={location.timeZone}
								position={0}
								category={category}
								onDone={done}
							/>
						) : (
							<button type="button" onClick={() => setEditing(`category:${category.id}`)}>
								Edit category <span class="visually-hidden">{category.name}</span>
							</button>
						))}
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
			{editable &&
				(editing === "category:new" ? (
					<section aria-label="New category" class="card">
						<CategoryEditor
							slug={location.slug}
							timeZone={location.timeZone}
							position={menu.categories.length}
							onDone={done}
						/>
					</section>
				) : (
					<button type="button" onClick={() => setEditing("category:new")}>
						New category
					</button>
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
