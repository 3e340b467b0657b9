/** Create a customer account; it signs in at once. */
import { useState } from "preact/hooks";

import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, fieldErrors } from "../i18n/errors";
import { Link, navigate } from "../router";
import { signUp } from "../state/session";

export function RegisterPage() {
	const { t, rich } = useI18n();
	const [form, setForm] = useState({ name: "", email: "", password: "", phone: "" });
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);
	const set = (field: keyof typeof form) => (value: string) => setForm({ ...form, [field]: value });

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			await signUp({
				name: form.name.trim(),
				email: form.email.trim(),
				password: form.password,
				...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
			});
			navigate("/account");
		} catch (failure) {
			setError(errorText(failure));
			setFields(fieldErrors(failure));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="narrow">
			<PageHeading title={t("register.title")}>{t("register.title")}</PageHeading>
			<form onSubmit={submit} noValidate>
				<ErrorMessage message={error} takeFocus />
				<TextField
					id="name"
					label={t("field.name")}
					autoComplete="name"
					required
					value={form.name}
					onValue={set("name")}
					error={fields.name}
				/>
				<TextField
					id="email"
					label={t("field.email")}
					type="email"
					autoComplete="email"
					required
					value={form.email}
					onValue={set("email")}
					error={fields.email}
				/>
				<TextField
					id="password"
					label={t("field.password")}
					type="password"
					autoComplete="new-password"
					hint={t("register.passwordHint")}
					required
					value={form.password}
					onValue={set("password")}
					error={fields.password}
				/>
				<TextField
					id="phone"
					label={t("register.phone")}
					type="tel"
					autoComplete="tel"
					value={form.phone}
					onValue={set("phone")}
					error={fields.phone}
				/>
				<button type="submit" class="primary" disabled={busy}>
					{busy ? t("register.busy") : t("register.submit")}
				</button>
			</form>
			<p>{rich("register.signIn", { link: (chunks) => <Link href="/sign-in">{chunks}</Link> })}</p>
		</section>
	);
}
