/**
 * Verifies the account's e-mail address from the link sent at registration
 * (`?token=`, valid 7 days). A spent or expired link offers a fresh one to a
 * signed-in customer, else sign-in first.
 */
import { useEffect, useState } from "preact/hooks";
import { resendVerification, verifyEmail } from "../api/back-office";
import { getProfile } from "../api/endpoints";
import { ApiFailure } from "../api/http";
import { ErrorMessage, Loading, PageHeading } from "../components/page";
import { useI18n } from "../i18n";
import { errorText, type LinkRefusal, linkRefusal } from "../i18n/errors";
import { Link, useRoute } from "../router";
import { replaceProfile, useSession } from "../state/session";
import { LinkProblem } from "./link-pages";

/** "Send the link again" for the signed-in account, with what came of it. */
export function ResendVerification() {
	const { t } = useI18n();
	const [outcome, setOutcome] = useState("");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const resend = async () => {
		setBusy(true);
		setError(null);
		setOutcome("");
		try {
			await resendVerification();
			setOutcome(t("verify.resent"));
		} catch (failure) {
			if (failure instanceof ApiFailure && failure.code === "already_verified") {
				setOutcome(t("verify.already"));
				getProfile()
					.then(replaceProfile)
					.catch(() => undefined);
			} else setError(errorText(failure));
		} finally {
			setBusy(false);
		}
	};
	return (
		<>
			<button type="button" onClick={resend} disabled={busy}>
				{t("verify.resend")}
			</button>
			<span role="status" class="success">
				{outcome}
			</span>
			<ErrorMessage message={error} />
		</>
	);
}

export function VerifyEmailPage() {
	const { t } = useI18n();
	const { query } = useRoute();
	const { profile } = useSession();
	const token = query.get("token") ?? "";
	const [verified, setVerified] = useState<string | null>(null);
	const [refusal, setRefusal] = useState<LinkRefusal | null>(token ? null : "link_invalid");
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		if (!token) return;
		verifyEmail(token)
			.then(({ email }) => {
				setVerified(email);
				// The profile kept since sign-in still says unverified.
				if (profile)
					getProfile()
						.then(replaceProfile)
						.catch(() => undefined);
			})
			.catch((failure) => {
				const link = linkRefusal(failure);
				if (link) setRefusal(link);
				else setError(errorText(failure));
			});
	}, [token]);

	const title = t("verify.title");
	return (
		<section class="narrow">
			<PageHeading title={title}>{title}</PageHeading>
			{verified ? (
				<div role="status">
					<p>{t("verify.done", { email: verified })}</p>
					<p>
						<Link href={profile ? "/account" : "/sign-in?next=/account"}>{t("verify.toAccount")}</Link>
					</p>
				</div>
			) : refusal ? (
				<LinkProblem
					refusal={refusal}
					next={
						profile?.role === "customer" ? (
							<ResendVerification />
						) : (
							<Link href="/sign-in?next=/account">{t("verify.signInForNew")}</Link>
						)
					}
				/>
			) : error ? (
				<ErrorMessage message={error} />
			) : (
				<Loading what={t("verify.checking")} />
			)}
		</section>
	);
}
