/**
 * `POST /api/v1/graphql` (and GET for queries): graphql-yoga over the
 * composed schema, behind the same gateway as REST (request ids, logs, CORS,
 * body limit, authentication, rate limits, D1 sessions).
 */
import type { AppEnv } from "@goodfood/platform/app";
import { createYoga } from "graphql-yoga";
import type { Context } from "hono";
import type { GraphContext, ServerContext } from "./context";
import { graphLog, maskError } from "./errors";
import { GRAPH_LIMITS, graphLimits } from "./limits";
import { graphSchema } from "./schema";

export const GRAPHQL_PATH = "/api/v1/graphql";

/** What GraphiQL opens with in development: a query that runs against the seeded data. */
export const EXAMPLE_OPERATIONS = /* GraphQL */ `# GoodFood's graph: the same domain, rules and errors as the REST API.
# Send a bearer token in the headers pane ({"Authorization": "Bearer ..."}) to act as a signed-in user.
query Locations {
  apiVersion
  locations {
    slug
    name
    region
    openNow
  }
}

query Location($slug: ID! = "london-soho") {
  location(slug: $slug) {
    name
    timeZone
    currency
  }
}

# A cart: run CreateCart, then AddFlatWhite with its id as $cart in the variables pane.
mutation CreateCart {
  createCart(location: "london-soho") {
    id
    status
  }
}

mutation AddFlatWhite($cart: ID!) {
  addCartItem(cart: $cart, item: "itm-ldn-flat-white", quantity: 2, options: ["opt-ldn-flat-white-milk-oat"]) {
    line { name quantity lineTotal { amount currency } }
    cart { itemCount }
  }
}
`;

function createGraphServer() {
	return createYoga<ServerContext, GraphContext>({
		schema: graphSchema(),
		graphqlEndpoint: GRAPHQL_PATH,
		landingPage: false,
		// GraphiQL at the same path, in a browser, outside production only.
		graphiql: (_request, context) =>
			context.hono.env.ENVIRONMENT === "production"
				? false
				: { title: "GoodFood GraphQL", defaultQuery: EXAMPLE_OPERATIONS },
		batching: { limit: GRAPH_LIMITS.operationsPerRequest },
		plugins: graphLimits(),
		maskedErrors: { maskError },
		logging: graphLog,
		context: ({ hono }) => ({
			c: hono,
			env: hono.env,
			principal: hono.var.principal,
			memo: new Map(),
		}),
	});
}

let server: ReturnType<typeof createGraphServer> | undefined;

/** The Hono handler: yoga, made on the isolate's first GraphQL request, answers with the request's own context. */
export function serveGraph(c: Context<AppEnv>): Response | Promise<Response> {
	server ??= createGraphServer();
	return server.fetch(c.req.raw, { hono: c });
}
