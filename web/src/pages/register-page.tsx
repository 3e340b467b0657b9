/** Create a customer account; it signs in at once. */
import { useState } from "preact/hooks";
import { ApiFailure, messageOf } from "../api/http";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { Link, navigate } from "../router";
import { signUp } from "../state/session";

export function RegisterPage() {
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
			setError(messageOf(failure));
			if (failure instanceof ApiFailure) setFields(failure.fields);
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="narrow">
			<PageHeading title="Create an account">Create an account</PageHeading>
			<form onSubmit={submit} noValidate>
				<ErrorMessage message={error} takeFocus />
				<TextField
					id="name"
					label="Name"
					autoComplete="name"
					required
					value={form.name}
					onValue={set("name")}
					error={fields.name}
				/>
				<TextField
					id="email"
					label="Email"
					type="email"
					autoComplete="email"
					required
					value={form.email}
					onValue={set("email")}
					error={fields.email}
				/>
				<TextField
					id="password"
					label="Password"
					type="password"
					autoComplete="new-password"
					hint="At least 10 characters, with letters and digits."
					required
					value={form.password}
					onValue={set("password")}
					error={fields.password}
				/>
				<TextField
					id="phone"
					label="Phone (optional)"
					type="tel"
					autoComplete="tel"
					value={form.phone}
					onValue={set("phone")}
					error={fields.phone}
				/>
				<button type="submit" class="primary" disabled={busy}>
					{busy ? "Creating your account…" : "Create account"}
				</button>
			</form>
			<p>
				Already have an account? <Link href="/sign-in">Sign in</Link>.
			</p>
		</section>
	);
}
