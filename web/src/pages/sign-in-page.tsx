/** Sign in, for customers and staff alike; staff go on to their kitchen board. */
import { useState } from "preact/hooks";
import { ApiFailure, messageOf } from "../api/http";
import { TextField } from "../components/field";
import { ErrorMessage, PageHeading } from "../components/page";
import { Link, navigate, useRoute } from "../router";
import { isStaff, signIn } from "../state/session";

export function SignInPage() {
	const { query } = useRoute();
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [fields, setFields] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);

	const submit = async (event: Event) => {
		event.preventDefault();
		setBusy(true);
		setError(null);
		setFields({});
		try {
			const profile = await signIn(email.trim(), password);
			const next = query.get("next");
			navigate(next?.startsWith("/") ? next : isStaff(profile.role) ? "/kitchen" : "/account");
		} catch (failure) {
			setError(messageOf(failure));
			if (failure instanceof ApiFailure) setFields(failure.fields);
		} finally {
			setBusy(false);
		}
	};

	return (
		<section class="narrow">
			<PageHeading title="Sign in">Sign in</PageHeading>
			<form onSubmit={submit} noValidate>
				<ErrorMessage message={error} takeFocus />
				<TextField
					id="email"
					label="Email"
					type="email"
					autoComplete="username"
					required
					value={email}
					onValue={setEmail}
					error={fields.email}
				/>
				<TextField
					id="password"
					label="Password"
					type="password"
					autoComplete="current-password"
					required
					value={password}
					onValue={setPassword}
					error={fields.password}
				/>
				<button type="submit" class="primary" disabled={busy}>
					{busy ? "Signing in…" : "Sign in"}
				</button>
			</form>
			<p>
				New to GoodFood? <Link href="/register">Create an account</Link>. You can also order as a guest.
			</p>
		</section>
	);
}
