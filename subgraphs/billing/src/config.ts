import { ConfigError, EnvReader, loadUrlSigningSecret, readCommonConfig } from '@marketplace/kit';

/** The seller named on every invoice and credit note: the marketplace, which supplies the digital goods. */
export interface SellerDetails {
  name: string;
  /** One line per element of the address, as printed. */
  addressLines: string[];
  vatId: string;
  /** ISO 3166-1 alpha-2 (`SELLER_COUNTRY`, read by orders too: it decides reverse charge). */
  country: string;
}

/** Settings of the billing subgraph, read and checked once at start-up. */
export interface BillingConfig {
  seller: SellerDetails;
  /** Where clients reach the gateway (`PUBLIC_URL`): PDF links point there. */
  publicUrl: string;
  /** Signs the PDF links (`URL_SIGNING_SECRET`, shared with downloads and exports under their own purposes). */
  urlSigningSecret: Buffer;
  /** How long a PDF link stays valid (`INVOICE_LINK_TTL_SECONDS`). */
  linkTtlSeconds: number;
}

/** Demo seller: development and tests only; production must name the real one (an invoice is a legal document). */
const DEMO_SELLER = {
  SELLER_NAME: 'Marketplace Demo Ltd',
  SELLER_ADDRESS: '1 Demo Street\nDublin D02 X285\nIreland',
  SELLER_VAT_ID: 'IE1234567T',
};

const TEXT_MAX = 200;
const ADDRESS_LINES_MAX = 6;

export function readBillingConfig(env: EnvReader): BillingConfig {
  const common = readCommonConfig(env);
  const detail = (name: keyof typeof DEMO_SELLER): string => {
    const value = env.optionalString(name);
    if (value !== undefined) return value;
    if (common.environment === 'production') throw new ConfigError(name, 'is required in production');
    return DEMO_SELLER[name];
  };
  const name = detail('SELLER_NAME');
  // Docker and .env files cannot hold a line break: a literal `\n` separates lines too.
  const addressLines = detail('SELLER_ADDRESS')
    .split(/\\n|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const vatId = detail('SELLER_VAT_ID')
    .replace(/[\s.-]/g, '')
    .toUpperCase();
  const country = env.string('SELLER_COUNTRY', 'IE').toUpperCase();
  if (name.length > TEXT_MAX || /\p{Cc}/u.test(name))
    throw new ConfigError('SELLER_NAME', `must be one line of at most ${TEXT_MAX} characters`);
  if (addressLines.length > ADDRESS_LINES_MAX || addressLines.some((line) => line.length > TEXT_MAX))
    throw new ConfigError('SELLER_ADDRESS', `must be at most ${ADDRESS_LINES_MAX} lines of ${TEXT_MAX} characters`);
  if (!/^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(vatId))
    throw new ConfigError('SELLER_VAT_ID', 'must be a VAT id with its country prefix, e.g. IE1234567T');
  if (!/^[A-Z]{2}$/.test(country))
    throw new ConfigError('SELLER_COUNTRY', 'must be an ISO 3166-1 alpha-2 country code, e.g. IE');
  return {
    seller: { name, addressLines, vatId, country },
    publicUrl: (env.url('PUBLIC_URL', ['http', 'https']) ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
    urlSigningSecret: loadUrlSigningSecret(common, env.optionalString('URL_SIGNING_SECRET')),
    linkTtlSeconds: env.int('INVOICE_LINK_TTL_SECONDS', 300, { min: 1, max: 24 * 3600 }),
  };
}
