/**
 * The browser for the end-to-end tests, driven by playwright-core (never a
 * browser downloaded by a test tool), and the few waits the scenarios need.
 *
 * Which Chromium, first that applies:
 * 1. CHROMIUM_PATH, when set (a file that is not there fails the run at once);
 * 2. Debian's /usr/bin/chromium, when installed (`.ci/run` installs it);
 * 3. the headless Chromium the @sparticuz/chromium devDependency ships inside
 *    its npm package, unpacked to the temp directory (/tmp/chromium) on first
 *    use, so `npm install` is all a machine needs.
 * All three run with the same flags (QUIET_CHROMIUM); the run prints which one it used.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from "playwright-core";

export const SCREENSHOTS = path.resolve(import.meta.dirname, "screenshots");
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Without these, Chromium on a machine with no outside network hangs on its background connections. */
const QUIET_CHROMIUM = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
];

function isExecutableFile(file: string): boolean {
	try {
		accessSync(file, constants.X_OK);
		return statSync(file).isFile();
	} catch {
		return false;
	}
}

/**
 * The npm package's Chromium. Its default flags are not used: besides
 * `--single-process`, which playwright cannot drive, they turn off web security
 * and site isolation, and the tests should see what Debian's Chromium sees.
 * An unpacked file that does not run (left half-written by an interrupted first
 * unpack, say) is removed and unpacked once more.
 */
async function npmChromium(): Promise<string> {
	const { default: sparticuz } = await import("@sparticuz/chromium");
	let executable = await sparticuz.executablePath();
	if (whyItDoesNotRun(executable) === undefined) return executable;
	rmSync(executable, { force: true });
	executable = await sparticuz.executablePath();
	const why = whyItDoesNotRun(executable);
	if (why === undefined) return executable;
	throw new Error(`the Chromium unpacked from @sparticuz/chromium at ${executable} does not run: ${why}`);
}

function whyItDoesNotRun(executable: string): string | undefined {
	const check = spawnSync(executable, ["--version"], { encoding: "utf8", timeout: 10_000 });
	if (check.status === 0) return undefined;
	return check.error?.message ?? `${check.signal ?? `exit code ${check.status}`} ${check.stderr}`.trim();
}

async function chooseChromium(): Promise<{ executablePath: string; from: string }> {
	const configured = process.env.CHROMIUM_PATH;
	if (configured) {
		if (!isExecutableFile(configured)) throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`);
		return { executablePath: configured, from: "CHROMIUM_PATH" };
	}
	if (isExecutableFile(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, from: "Debian's chromium package" };
	return { executablePath: await npmChromium(), from: "the @sparticuz/chromium npm package" };
}

export async function launchBrowser(): Promise<Browser> {
	const { executablePath, from } = await chooseChromium();
	const browser = await chromium
		.launch({ executablePath, args: QUIET_CHROMIUM, timeout: 30_000 })
		.catch((error: Error) => {
			throw new Error(`Chromium from ${from} (${executablePath}) did not start: ${error.message}`, { cause: error });
		});
	console.log(`browser: Chromium ${browser.version()} at ${executablePath}, from ${from}`);
	return browser;
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/**
 * A page in a fresh context (its own storage, as another person's browser),
 * that records uncaught errors and Content-Security-Policy violations.
 */
export async function openPage(
	browser: Browser,
	baseURL: string,
	options: BrowserContextOptions = {},
): Promise<{ page: Page; problems: string[] }> {
	const context = await browser.newContext({
		baseURL,
		viewport: DESKTOP,
		locale: "en-GB",
		timezoneId: "Europe/London",
		reducedMotion: "reduce",
		...options,
	});
	context.setDefaultTimeout(15_000);
	const page = await context.newPage();
	const problems: string[] = [];
	// Each says on which page, so a failed run says where to look.
	page.on("pageerror", (error) => problems.push(`uncaught at ${page.url()}: ${error.message}\n${error.stack ?? ""}`));
	page.on("console", (message) => {
		if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
			problems.push(`csp at ${page.url()}: ${message.text()}`);
		}
	});
	return { page, problems };
}

/** Waits until the locator's text matches; answers the text. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let last = "";
	while (Date.now() < deadline) {
		last = (await locator.textContent({ timeout: timeoutMs }).catch(() => null)) ?? "";
		if (pattern.test(last)) return last;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`expected text matching ${pattern}, last saw ${JSON.stringify(last)}`);
}

/** An <img> as the in-page check reads it; this file is typed for Node, not the browser. */
interface InPageImage {
	complete: boolean;
	naturalWidth: number;
	getBoundingClientRect(): { top: number; bottom: number };
}

export async function screenshot(page: Page, name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	// Photos load lazily: give those in view a moment, so the picture does not catch an empty box. Whether
	// they load at all is for the scenarios to assert; a screenshot is taken either way.
	// A function, not a string: a string predicate is polled with eval, which the app's CSP refuses (an uncaught
	// EvalError in the page whenever the photos are not loaded at the first look).
	await page
		.waitForFunction(
			() => {
				const view = globalThis as unknown as {
					innerHeight: number;
					document: { querySelectorAll(selector: string): Iterable<InPageImage> };
				};
				return [...view.document.querySelectorAll("img")]
					.filter((img) => {
						const box = img.getBoundingClientRect();
						return box.bottom > 0 && box.top < view.innerHeight;
					})
					.every((img) => img.complete && img.naturalWidth > 0);
			},
			undefined,
			{ timeout: 5_000 },
		)
		.catch(() => undefined);
	// A pointer left over a button would show it hovered.
	await page.mouse.move(0, 0);
	await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: "disabled", caret: "hide" });
}

/** Tomorrow at 12:00 UTC: 12:00 or 13:00 in London, when the Soho location is open every day. */
export function londonLunchTomorrow(): Date {
	const tomorrow = new Date(Date.now() + 24 * 3600_000);
	return new Date(`${tomorrow.toISOString().slice(0, 10)}T12:00:00.000Z`);
}

/** The London calendar date of an instant, as the checkout's day picker names it (YYYY-MM-DD). */
export function londonDate(instant: Date): string {
	return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(instant);
}

/** Chooses a pickup or delivery slot on the checkout page. */
export async function chooseSlot(page: Page, at: Date): Promise<void> {
	await page.getByLabel("At a time").check();
	await page.getByLabel("Day").selectOption(londonDate(at));
	await page.getByLabel(/^Time/).selectOption(at.toISOString());
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
	await page.goto("/sign-in");
	await page.getByLabel("Email").fill(email);
	await page.getByLabel("Password").fill(password);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** The payment simulator's test cards (docs/payments-simulator.md), as a customer types them. */
export const TEST_CARDS = {
	succeeds: "4242 4242 4242 4242",
	insufficientFunds: "4000 0000 0000 9995",
	requiresAction: "4000 0000 0000 3220",
} as const;

/** Fills checkout's card form: the number picks the simulator's outcome; expiry and code are never sent. */
export async function fillCard(page: Page, cardNumber: string): Promise<void> {
	const nextYear = String((new Date().getFullYear() + 1) % 100).padStart(2, "0");
	await page.getByLabel("Card number").fill(cardNumber);
	await page.getByLabel("Expiry date (MM/YY)").fill(`12/${nextYear}`);
	await page.getByLabel("Security code (CVC)").fill("123");
}

/** The development e-mail sink's messages to one address, newest first (`GET /api/v1/dev/emails`). */
interface SinkEmails {
	emails: { subject: string; text: string; createdAt: string }[];
}

/**
 * The link to `pathname` (as `/reset-password`) in the newest e-mail to `to`, as a path and query on the
 * app's own origin, so the page under test opens it. E-mails are sent a moment after the request that
 * causes them, so the sink is polled.
 */
export async function emailedLink(baseURL: string, to: string, pathname: string, timeoutMs = 15_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let subjects: string[] = [];
	while (Date.now() < deadline) {
		const response = await fetch(`${baseURL}/api/v1/dev/emails?to=${encodeURIComponent(to)}`);
		if (!response.ok) throw new Error(`the e-mail sink answered ${response.status}: ${await response.text()}`);
		const { emails } = (await response.json()) as SinkEmails;
		subjects = emails.map((email) => email.subject);
		for (const email of emails) {
			for (const [address] of email.text.matchAll(/https?:\/\/[^\s<>"')]+/g)) {
				const link = new URL(address);
				if (link.pathname === pathname) return `${link.pathname}${link.search}`;
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`no e-mail to ${to} with a link to ${pathname}; its e-mails: ${JSON.stringify(subjects)}`);
}
