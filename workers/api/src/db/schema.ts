/**
 * Every table, for code that names them through one import. Two databases
 * hold them: the global one (`global-schema.ts`) and each region's order
 * database (`regional-schema.ts`); which one a query runs on is the caller's.
 */
export * from "./global-schema";
export * from "./regional-schema";
