import { registerEnumType } from 'type-graphql';

/**
 * What a vendor's API key may be used for: one list for every subgraph, so a field's
 * `@apiKeyScope` and a key's scopes always name the same things. A key never does more than
 * its owner could; a scope only narrows which of the owner's powers the key carries.
 */
export enum ApiKeyScope {
  CATALOG_WRITE = 'catalog:write',
  LICENSES_VALIDATE = 'licenses:validate',
  SALES_READ = 'sales:read',
}

export const API_KEY_SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  [ApiKeyScope.CATALOG_WRITE]: "Create, change, submit and archive the owner's own products (`catalog:write`).",
  [ApiKeyScope.LICENSES_VALIDATE]: 'Ask whether a license key may be used on a machine (`licenses:validate`).',
  [ApiKeyScope.SALES_READ]:
    "Read the owner's vendor business: earnings, stats, balances, ledger, payouts and disputes (`sales:read`).",
};

/** Every API key starts so: a gateway tells one from a JWT by it, and secret scanners can find leaked ones. */
export const API_KEY_PREFIX = 'mk_';

// The schema's `ApiKeyScope` (users shows it on keys and takes it in createApiKey).
registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: "What a vendor's API key may be used for; a key never does more than its owner could.",
  valuesConfig: {
    CATALOG_WRITE: { description: API_KEY_SCOPE_DESCRIPTIONS[ApiKeyScope.CATALOG_WRITE] },
    LICENSES_VALIDATE: { description: API_KEY_SCOPE_DESCRIPTIONS[ApiKeyScope.LICENSES_VALIDATE] },
    SALES_READ: { description: API_KEY_SCOPE_DESCRIPTIONS[ApiKeyScope.SALES_READ] },
  },
});
