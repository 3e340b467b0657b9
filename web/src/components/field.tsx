/** Labelled form controls that show the API's message for their field next to them. */

interface InputProps {
	id: string;
	label: string;
	value: string;
	onValue: (value: string) => void;
	error?: string;
	hint?: string;
	type?: "text" | "email" | "tel" | "password" | "search" | "date";
	autoComplete?: string;
	inputMode?: "text" | "decimal" | "numeric" | "email" | "tel";
	required?: boolean;
	maxLength?: number;
}

export function TextField({ id, label, value, onValue, error, hint, type = "text", ...input }: InputProps) {
	const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
	return (
		<div class={`field${error ? " field-invalid" : ""}`}>
			<label for={id}>{label}</label>
			{hint && (
				<p class="hint" id={`${id}-hint`}>
					{hint}
				</p>
			)}
			<input
				id={id}
				// Preact types <input> per type; every type offered here takes the same attributes.
				type={type as "text"}
				value={value}
				onInput={(event) => onValue(event.currentTarget.value)}
				aria-invalid={error ? true : undefined}
				aria-describedby={described}
				{...input}
			/>
			{error && (
				<p class="field-error" id={`${id}-error`}>
					{error}
				</p>
			)}
		</div>
	);
}

/** A group of checkboxes over a fixed list of values, such as allergens. */
export function CheckboxGroup<T extends string>({
	legend,
	name,
	values,
	selected,
	onChange,
	label,
}: {
	legend: string;
	name: string;
	values: readonly T[];
	selected: readonly T[];
	onChange: (selected: T[]) => void;
	label: (value: T) => string;
}) {
	const toggle = (value: T, on: boolean) =>
		onChange(on ? [...selected, value] : selected.filter((chosen) => chosen !== value));
	return (
		<fieldset class="checkbox-group">
			<legend>{legend}</legend>
			{values.map((value) => (
				<label key={value} class="check">
					<input
						type="checkbox"
						name={name}
						value={value}
						checked={selected.includes(value)}
						onChange={(event) => toggle(value, event.currentTarget.checked)}
					/>
					{label(value)}
				</label>
			))}
		</fieldset>
	);
}
