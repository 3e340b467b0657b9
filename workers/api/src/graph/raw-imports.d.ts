/** Vite's `?raw` import, which the api tests use to read the committed schema.graphql. */
declare module "*.graphql?raw" {
	const text: string;
	export default text;
}
