/** Placeholder until the operations screens land (issue 19, in progress this session). */
import { useI18n } from "../../i18n";
import { BackOfficeShell } from "./shell";

export function NumbersPage() {
	const { t } = useI18n();
	return (
		<BackOfficeShell title={t("backOffice.tabs.numbers")} current="numbers">
			{() => null}
		</BackOfficeShell>
	);
}
