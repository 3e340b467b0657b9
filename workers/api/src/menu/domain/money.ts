/** An amount in the currency's minor units (pence, cents, yen) with its ISO 4217 code. */
export interface Money {
	amount: number;
	currency: string;
}

export function money(amount: number, currency: string): Money {
	return { amount, currency };
}
