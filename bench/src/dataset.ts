/**
 * A realistic data set for benchmarks, loaded straight into a fresh supergraph's tables:
 * at scale 1, 20,000 users (500 of them vendors, 5 admins), 500 ACTIVE vendors, 60
 * categories, 50,000 products, 100,000 orders with their payments, signed licenses,
 * vendor ledger entries and reviews.
 *
 * Every subgraph's OWN tables are filled through its own DataSource, after its migrations
 * ran, with set-based SQL (INSERT … SELECT over generate_series). Values derive from the
 * row numbers only (md5 of the number, ids are md5 → uuid), so a run is reproducible and
 * every subgraph derives the same facts independently: a product's price in the catalog,
 * in the orders replica, in an order line and in a vendor's ledger entry are the same
 * expression of the product's number. The rows are those the events would have left:
 *
 *   users     users (role VENDOR from vendor.approved), one known password (one scrypt hash)
 *   vendor    vendors (ACTIVE, default commission), ledger_orders + SALE/COMMISSION per paid
 *             line (REFUND/REFUND_COMMISSION when refunded), available after the hold
 *   catalog   vendor replica, 48 categories added to the 12 the migration seeds, products
 *             (search tsvector is a generated column; search_terms filled by its trigger),
 *             licenses (from license.issued/revoked), reviews and the rating aggregates
 *   orders    product replica, orders + lines (license ids) + status history, the number sequence
 *   payments  orders (from order.created/cancelled), payments, stripe_events
 *   licensing product replica, licenses with Ed25519-signed keys (signed here in Node, inserted
 *             in batches with unnest), refunded_orders
 *
 * Times are laid out backwards from an anchor (default: the start of the current UTC day):
 * vendors and customers sign up first, products are published over 18 months, orders come in
 * over the last year (more of them recently), each after its products were published and its
 * customer registered. Catalog `sales_count` stays 0: no event maintains it.
 *
 * CLI: `node scripts/dist/bench/dataset.js` (BENCH_SCALE, default 1; DATABASE_URL or embedded
 * Postgres; BENCH_KEEP=1 keeps the database and prints its URL).
 */
import { createHash, KeyObject } from 'node:crypto';
import { envReader } from '@marketplace/kit';
import { readLicensingConfig, signLicenseKey } from '@marketplace/licensing';
import { PasswordHasher } from '@marketplace/users';
import type { DataSource, EntityManager } from 'typeorm';
import { startTestSupergraph } from '@marketplace/e2e/testing';
import { ensureDatabaseServer } from './harness';

/** The password of every generated account. */
export const DATASET_PASSWORD = 'bench-password-123';
export const DATASET_EMAIL_DOMAIN = 'bench.local';
/** What admins give as the reason of the generated refunds. */
export const DATASET_REFUND_REASON = 'Customer asked for a refund within 14 days';

export const SUBGRAPH_NAMES = ['users', 'vendor', 'catalog', 'orders', 'payments', 'licensing'] as const;
export type DatasetDatabases = Record<(typeof SUBGRAPH_NAMES)[number], DataSource>;

export interface DatasetOptions {
  /** The licensing subgraph's signing key; default: read from the environment as licensing does. */
  signingKey?: { privateKey: KeyObject; keyId: string };
  /** log2 of scrypt's N for the one password hash (users' PASSWORD_HASH_COST; default from the environment, else 15). */
  passwordHashCost?: number;
  /** VENDOR_DEFAULT_COMMISSION_BPS (default from the environment, else 1500). */
  commissionBps?: number;
  /** VENDOR_EARNINGS_HOLD_DAYS (default from the environment, else 7). */
  earningsHoldDays?: number;
  /** LICENSE_VALIDITY_DAYS (default from the environment, else 0 = perpetual). */
  licenseValidityDays?: number;
  /** Everything happened before this moment (default: the start of the current UTC day). */
  anchor?: Date;
  /** Licenses signed and inserted per statement. */
  licenseBatchSize?: number;
}

export interface DatasetCounts {
  users: number;
  vendors: number;
  admins: number;
  customers: number;
  categories: number;
  products: number;
  /** Products 1..sellableProducts are PUBLISHED; the newest others are drafts, in review, rejected or archived. */
  sellableProducts: number;
  orders: number;
}

export interface DatasetReport {
  counts: DatasetCounts;
  /** Seconds per step, `subgraph: step`; subgraphs load in parallel, so these overlap. */
  phases: { name: string; seconds: number }[];
  seconds: number;
}

/** Categories are a taxonomy and do not scale: the 12 the catalog's migration seeds plus 48. */
const CATEGORY_TOTAL = 60;

export function datasetCounts(scale: number): DatasetCounts {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, got ${scale}`);
  const of = (base: number) => Math.max(1, Math.round(base * scale));
  const users = of(20_000);
  const vendors = of(500);
  const admins = of(5);
  const products = Math.max(2, of(50_000));
  const counts = {
    users,
    vendors,
    admins,
    customers: users - vendors - admins,
    categories: CATEGORY_TOTAL,
    products,
    sellableProducts: products - Math.max(1, Math.round(products * 0.04)),
    orders: of(100_000),
  };
  if (counts.customers < 1) throw new Error(`scale ${scale} leaves no customers`);
  return counts;
}

/** The id the data set gives row `key` of `kind` (the SQL computes the same: md5 → uuid). */
export function datasetId(kind: string, key: string | number): string {
  const hex = createHash('md5').update(`bench:${kind}:${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const vendorEmail = (n: number) => `vendor${n}@${DATASET_EMAIL_DOMAIN}`;
export const adminEmail = (n: number) => `admin${n}@${DATASET_EMAIL_DOMAIN}`;
export const customerEmail = (n: number) => `user${n}@${DATASET_EMAIL_DOMAIN}`;

// ---------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------

interface Leaf {
  id: string;
  slug: string;
  kind: 'AGENT' | 'WORKFLOW' | 'TOOL' | null;
  topics: string[];
}

/** The leaves of the tree the catalog's migration seeds (ids as in 1763800000001-seed-categories). */
const SEEDED_LEAVES: Leaf[] = [
  {
    id: '00000000-0000-4000-8000-0000000c0101',
    slug: 'customer-support',
    kind: 'AGENT',
    topics: ['Helpdesk', 'Ticket', 'Chat', 'Refund', 'Escalation'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0102',
    slug: 'coding',
    kind: 'AGENT',
    topics: ['Code Review', 'Refactoring', 'Test Writer', 'Migration', 'Debugging'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0103',
    slug: 'research',
    kind: 'AGENT',
    topics: ['Literature', 'Market Research', 'Patent', 'Competitor', 'Citation'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0201',
    slug: 'marketing',
    kind: 'WORKFLOW',
    topics: ['Campaign', 'Newsletter', 'Content Calendar', 'Ad Spend', 'Brand'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0202',
    slug: 'data-pipelines',
    kind: 'WORKFLOW',
    topics: ['ETL', 'Warehouse', 'Enrichment', 'Deduplication', 'Ingestion'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0203',
    slug: 'sales-operations',
    kind: 'WORKFLOW',
    topics: ['Lead Routing', 'CRM Hygiene', 'Follow-up', 'Pipeline', 'Quote'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0301',
    slug: 'developer-tools',
    kind: 'TOOL',
    topics: ['Prompt', 'Eval', 'Tracing', 'SDK', 'Embedding'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0302',
    slug: 'productivity',
    kind: 'TOOL',
    topics: ['Meeting Notes', 'Inbox', 'Calendar', 'Summary', 'Task'],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0303',
    slug: 'security',
    kind: 'TOOL',
    topics: ['Redaction', 'Audit Trail', 'Guardrail', 'PII', 'Policy'],
  },
];

/** The categories the data set adds: 6 roots of 7 children (with the 12 seeded: 60). */
const NEW_ROOTS: { slug: string; name: string; description: string; children: [string, string, string[]][] }[] = [
  {
    slug: 'data-analytics',
    name: 'Data & analytics',
    description: 'Agents, workflows and tools that turn data into answers.',
    children: [
      ['dashboards', 'Dashboards', ['Dashboard', 'KPI', 'Metrics']],
      ['forecasting', 'Forecasting', ['Forecast', 'Demand', 'Churn']],
      ['data-quality', 'Data quality', ['Validation', 'Schema', 'Lineage']],
      ['web-scraping', 'Web scraping', ['Scraper', 'Crawler', 'Price Monitor']],
      ['spreadsheets', 'Spreadsheets', ['Spreadsheet', 'Formula', 'Pivot']],
      ['reporting', 'Reporting', ['Report', 'Digest', 'Scorecard']],
      ['anomaly-detection', 'Anomaly detection', ['Anomaly', 'Outlier', 'Alerting']],
    ],
  },
  {
    slug: 'content',
    name: 'Content & media',
    description: 'Writing, video, images and everything published.',
    children: [
      ['copywriting', 'Copywriting', ['Copywriter', 'Headline', 'Blog']],
      ['video', 'Video', ['Video', 'Subtitle', 'Storyboard']],
      ['image-generation', 'Image generation', ['Image', 'Thumbnail', 'Illustration']],
      ['translation', 'Translation', ['Translation', 'Localization', 'Glossary']],
      ['podcasts', 'Podcasts', ['Podcast', 'Transcript', 'Show Notes']],
      ['seo', 'SEO', ['SEO', 'Keyword', 'Backlink']],
      ['social-media', 'Social media', ['Social', 'Hashtag', 'Community']],
    ],
  },
  {
    slug: 'finance',
    name: 'Finance & accounting',
    description: 'Books, invoices, expenses and the numbers behind them.',
    children: [
      ['bookkeeping', 'Bookkeeping', ['Bookkeeping', 'Ledger', 'Reconciliation']],
      ['invoicing', 'Invoicing', ['Invoice', 'Billing', 'Dunning']],
      ['expenses', 'Expense management', ['Expense', 'Receipt', 'Reimbursement']],
      ['tax', 'Tax', ['Tax', 'VAT', 'Filing']],
      ['financial-planning', 'Financial planning', ['Budget', 'Cash Flow', 'Scenario']],
      ['payroll', 'Payroll', ['Payroll', 'Payslip', 'Timesheet']],
      ['fraud-detection', 'Fraud detection', ['Fraud', 'Chargeback', 'Risk']],
    ],
  },
  {
    slug: 'operations',
    name: 'Operations',
    description: 'Keeping systems, stock and schedules running.',
    children: [
      ['it-operations', 'IT operations', ['Incident', 'On-call', 'Runbook']],
      ['devops', 'DevOps', ['Deployment', 'Kubernetes', 'Terraform']],
      ['inventory', 'Inventory', ['Inventory', 'Stock', 'Warehouse Picking']],
      ['logistics', 'Logistics', ['Shipping', 'Route', 'Tracking']],
      ['procurement', 'Procurement', ['Procurement', 'Supplier', 'Purchase Order']],
      ['scheduling', 'Scheduling', ['Shift', 'Booking', 'Rota']],
      ['document-processing', 'Document processing', ['OCR', 'Contract', 'Form']],
    ],
  },
  {
    slug: 'people',
    name: 'People & HR',
    description: 'Hiring, onboarding and looking after a team.',
    children: [
      ['recruiting', 'Recruiting', ['Recruiting', 'Sourcing', 'Resume']],
      ['onboarding', 'Onboarding', ['Onboarding', 'Handbook', 'Checklist']],
      ['performance', 'Performance reviews', ['Feedback', 'Goal', 'Review Cycle']],
      ['learning', 'Learning', ['Course', 'Quiz', 'Tutor']],
      ['benefits', 'Benefits', ['Benefits', 'Leave', 'Pension']],
      ['employee-support', 'Employee support', ['HR Helpdesk', 'Policy Answer', 'Wellbeing']],
      ['interviewing', 'Interviewing', ['Interview', 'Scorecard', 'Scheduling Assistant']],
    ],
  },
  {
    slug: 'industries',
    name: 'Industries',
    description: 'Built for one trade: health, law, property, retail and more.',
    children: [
      ['healthcare', 'Healthcare', ['Clinical Notes', 'Patient Intake', 'Medical Coding']],
      ['legal', 'Legal', ['Contract Review', 'Case Law', 'Compliance']],
      ['real-estate', 'Real estate', ['Listing', 'Tenant', 'Valuation']],
      ['ecommerce', 'E-commerce', ['Product Feed', 'Cart Recovery', 'Catalog']],
      ['education', 'Education', ['Lesson Plan', 'Grading', 'Homework']],
      ['insurance', 'Insurance', ['Claims', 'Underwriting', 'Policyholder']],
      ['hospitality', 'Hospitality', ['Reservation', 'Guest', 'Menu']],
    ],
  },
];

const NEW_CATEGORIES = NEW_ROOTS.flatMap((root, rootIndex) => {
  const rootId = datasetId('category', root.slug);
  return [
    {
      id: rootId,
      slug: root.slug,
      name: root.name,
      description: root.description,
      parentId: null as string | null,
      position: 3 + rootIndex,
    },
    ...root.children.map(([slug, name], position) => ({
      id: datasetId('category', slug),
      slug,
      name,
      description: `${name}: ${root.description.toLowerCase()}`,
      parentId: rootId,
      position,
    })),
  ];
});

const LEAVES: Leaf[] = [
  ...SEEDED_LEAVES,
  ...NEW_ROOTS.flatMap((root) =>
    root.children.map(([slug, , topics]) => ({ id: datasetId('category', slug), slug, kind: null, topics })),
  ),
];

const FIRST_NAMES = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Katherine',
  'Donald',
  'Hedy',
  'John',
  'Sophie',
  'Guido',
  'Anita',
  'Bjarne',
  'Jean',
  'Niklaus',
  'Karen',
  'James',
  'Shafi',
  'Yukihiro',
  'Mary',
  'Leslie',
  'Lynn',
  'Brian',
  'Carol',
  'Whitfield',
  'Evelyn',
  'Vint',
  'Adele',
  'Rasmus',
  'Marissa',
  'Larry',
  'Susan',
  'Robin',
  'Joan',
  'Andrew',
  'Elena',
  'Omar',
  'Priya',
  'Mateo',
  'Yara',
  'Kofi',
  'Ingrid',
  'Hiro',
];
const LAST_NAMES = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Johnson',
  'Knuth',
  'Lamarr',
  'McCarthy',
  'Wilson',
  'van Rossum',
  'Borg',
  'Stroustrup',
  'Sammet',
  'Wirth',
  'Jones',
  'Gosling',
  'Goldwasser',
  'Matsumoto',
  'Keller',
  'Lamport',
  'Conway',
  'Kernighan',
  'Shaw',
  'Diffie',
  'Berezin',
  'Cerf',
  'Goldberg',
  'Lerdorf',
  'Mayer',
  'Page',
  'Kare',
  'Milner',
  'Clarke',
  'Tanenbaum',
  'Petrova',
  'Haddad',
  'Raman',
  'Garcia',
  'Nasser',
  'Mensah',
  'Larsen',
  'Tanaka',
];
const VENDOR_PREFIXES = [
  'Northwind',
  'Bluebird',
  'Lumen',
  'Quill',
  'Cobalt',
  'Meridian',
  'Tessellate',
  'Orbit',
  'Juniper',
  'Halcyon',
  'Granite',
  'Vector',
  'Aurora',
  'Pinecone',
  'Kestrel',
  'Monarch',
  'Saffron',
  'Driftwood',
  'Atlas',
  'Beacon',
  'Cinder',
  'Delta',
  'Ember',
  'Fathom',
  'Glacier',
  'Harbor',
  'Indigo',
  'Jasper',
  'Keystone',
  'Lattice',
  'Mosaic',
  'Nimbus',
  'Onyx',
  'Prism',
  'Quasar',
  'Redwood',
  'Sable',
  'Tundra',
  'Umber',
  'Willow',
];
const VENDOR_SUFFIXES = [
  'Labs',
  'AI',
  'Automation',
  'Works',
  'Systems',
  'Studio',
  'Robotics',
  'Analytics',
  'Software',
  'Collective',
  'Digital',
  'Intelligence',
  'Tools',
  'Agents',
  'Flow',
  'Foundry',
  'Partners',
  'Logic',
  'Dynamics',
  'Cloud',
];
const VENDOR_BIOS = [
  'We build dependable automation for small teams and test every release on real workloads.',
  'Former consultants packaging the workflows we kept rebuilding for clients.',
  'Agents and tools with clear pricing, honest documentation and fast support.',
  'An independent studio shipping focused AI products since the first LLM APIs.',
  'Open-source maintainers selling the polished, supported versions of our tools.',
];
const ADJECTIVES = [
  'Swift',
  'Smart',
  'Auto',
  'Precise',
  'Tidy',
  'Rapid',
  'Clear',
  'Bright',
  'Steady',
  'Nimble',
  'Quiet',
  'Bold',
  'Lucid',
  'Keen',
  'Agile',
  'Sharp',
  'Calm',
  'Deep',
  'Lean',
  'True',
  'Prime',
  'Open',
  'Solid',
  'Brisk',
  'Crisp',
  'Vivid',
  'Zen',
  'Polar',
  'Astral',
  'Neon',
];
const NOUNS: Record<'AGENT' | 'WORKFLOW' | 'TOOL', string[]> = {
  AGENT: ['Agent', 'Assistant', 'Copilot', 'Analyst', 'Concierge', 'Researcher'],
  WORKFLOW: ['Workflow', 'Pipeline', 'Automation', 'Playbook', 'Sync', 'Flow'],
  TOOL: ['Toolkit', 'Inspector', 'Connector', 'Studio', 'Kit', 'Linter'],
};
const VERBS = [
  'Automates',
  'Speeds up',
  'Takes care of',
  'Streamlines',
  'Checks',
  'Organises',
  'Simplifies',
  'Handles',
];
const OBJECTS = [
  'work end to end',
  'tasks without manual steps',
  'requests around the clock',
  'busywork and hand-offs',
  'reviews and approvals',
  'the repetitive parts',
];
const AUDIENCES = [
  'small teams',
  'agencies',
  'startups',
  'enterprises',
  'freelancers',
  'operations teams',
  'developers',
  'support teams',
];
const CLOSERS = [
  'Connects to the tools you already use and works in minutes.',
  'Ships with sensible defaults, detailed logs and a rollback switch.',
  'Runs on your own API keys; nothing leaves your account.',
  'Comes with templates, a setup guide and email support.',
  'Tested on thousands of real cases before release.',
  'Updated monthly with new integrations.',
];
const GENERAL_TAGS = [
  'automation',
  'llm',
  'gpt',
  'no-code',
  'api',
  'self-hosted',
  'open-source',
  'enterprise',
  'productivity',
  'ai',
];
const PRICES = [499, 900, 1499, 1900, 2500, 2900, 3900, 4900, 7900, 9900, 14900, 29900];
const MAX_ACTIVATIONS = [1, 1, 2, 3, 3, 3, 3, 5, 5, 10, 25, 100];
const REJECTION_REASONS = [
  'The description does not explain what the product does.',
  'Please add a screenshot of a real run.',
  'The price does not match the listed features.',
];
const REVIEW_BODIES: string[][] = [
  [
    'Did not work for us at all.',
    'Broke on the first real run; refund requested.',
    'Not what the description promises.',
  ],
  [
    'Works, but setup took far too long.',
    'Too many rough edges for the price.',
    'Support answered, the bug is still there.',
  ],
  ['Does the job, nothing more.', 'Decent, though the docs could be clearer.', 'Fine for simple cases.'],
  [
    'Solid product, saves us a few hours a week.',
    'Good value; a couple of small bugs.',
    'Easy to set up and reliable so far.',
  ],
  [
    'Excellent: it replaced a whole manual process.',
    'Exactly what we needed, great support.',
    'Best purchase this quarter, highly recommended.',
  ],
];

// ---------------------------------------------------------------------------------------
// SQL helpers: every value is an expression of a row number
// ---------------------------------------------------------------------------------------

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const textArray = (items: readonly string[]) => `ARRAY[${items.map(quote).join(', ')}]::text[]`;
const intArray = (items: readonly number[]) => `ARRAY[${items.join(', ')}]::int[]`;
/** 0 … 2^32−1 from md5 of salt and key. */
const hash = (salt: string, key: string) =>
  `(('x' || substr(md5('${salt}:' || (${key})::text), 1, 8))::bit(32)::bigint)`;
/** The uuid datasetId(kind, key) gives. */
const id = (kind: string, key: string) => `md5('bench:${kind}:' || (${key})::text)::uuid`;
const pick = (array: string, length: number, salt: string, key: string) =>
  `(${array})[1 + ${hash(salt, key)} % ${length}]`;
const pickText = (items: readonly string[], salt: string, key: string) =>
  pick(textArray(items), items.length, salt, key);
/** Epoch milliseconds → timestamptz (exact to the millisecond). */
const ts = (ms: string) => `to_timestamp((${ms})::float8 / 1000)`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The timeline, in epoch milliseconds, and the counts every subgraph's statements share. */
class Plan {
  readonly c: DatasetCounts;
  readonly anchor: number;
  readonly vendorUsersFrom: number;
  readonly vendorUsersSpan = 150 * DAY;
  readonly customersFrom: number;
  readonly customersSpan = 530 * DAY;
  readonly publishedFrom: number;
  readonly publishedSpan = 539 * DAY;
  readonly tailFrom: number;
  readonly tailSpan = 59 * DAY;
  readonly ordersFrom: number;
  readonly ordersSpan = 365 * DAY - 2 * HOUR;

  constructor(
    scale: number,
    anchor: Date,
    readonly commissionBps: number,
    readonly holdDays: number,
  ) {
    this.c = datasetCounts(scale);
    this.anchor = anchor.getTime();
    this.vendorUsersFrom = this.anchor - 700 * DAY;
    this.customersFrom = this.anchor - 540 * DAY;
    this.publishedFrom = this.anchor - 540 * DAY;
    this.tailFrom = this.anchor - 60 * DAY;
    this.ordersFrom = this.anchor - 365 * DAY;
  }

  get tail() {
    return this.c.products - this.c.sellableProducts;
  }

  /** User number g (1…users): vendors' owners first, then admins, then customers. */
  userId(g: string) {
    return id('user', g);
  }

  leafTable(): string {
    const rows = LEAVES.map(
      (leaf, index) =>
        `(${index + 1}, '${leaf.id}'::uuid, ${leaf.kind ? quote(leaf.kind) : 'NULL'}, ${textArray(leaf.topics)})`,
    );
    return `CREATE TEMP TABLE bench_leaf ON COMMIT DROP AS SELECT * FROM (VALUES ${rows.join(', ')}) AS l(idx, id, kind, topics)`;
  }

  vendorTable(): string {
    const { vendors: V } = this.c;
    const name = `CASE WHEN k <= ${VENDOR_PREFIXES.length * VENDOR_SUFFIXES.length}
        THEN (${textArray(VENDOR_PREFIXES)})[1 + (k - 1) % ${VENDOR_PREFIXES.length}] || ' ' || (${textArray(VENDOR_SUFFIXES)})[1 + ((k - 1) / ${VENDOR_PREFIXES.length}) % ${VENDOR_SUFFIXES.length}]
        ELSE (${textArray(VENDOR_PREFIXES)})[1 + (k - 1) % ${VENDOR_PREFIXES.length}] || ' ' || (${textArray(VENDOR_SUFFIXES)})[1 + ((k - 1) / ${VENDOR_PREFIXES.length}) % ${VENDOR_SUFFIXES.length}] || ' ' || k END`;
    return `CREATE TEMP TABLE bench_vendors ON COMMIT DROP AS
      SELECT k, ${id('vendor', 'k')} AS id, ${this.userId('k')} AS user_id, name,
             lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g')) || '-' || k AS slug,
             ${pickText(VENDOR_BIOS, 'vbio', 'k')} AS bio,
             created_ms, created_ms + ${HOUR} AS applied_ms, created_ms + ${DAY} AS approved_ms
      FROM (SELECT k, ${name} AS name, (${this.vendorUsersFrom} + floor((k - 1)::float8 / ${V} * ${this.vendorUsersSpan}))::bigint AS created_ms
            FROM generate_series(1, ${V}) k) v`;
  }

  productTable(): string {
    const { products: P, sellableProducts: S, vendors: V } = this.c;
    const kindNoun = `CASE kind WHEN 'AGENT' THEN ${pickText(NOUNS.AGENT, 'pnoun', 'p')} WHEN 'WORKFLOW' THEN ${pickText(NOUNS.WORKFLOW, 'pnoun', 'p')} ELSE ${pickText(NOUNS.TOOL, 'pnoun', 'p')} END`;
    return `CREATE TEMP TABLE bench_products ON COMMIT DROP AS
      WITH base AS (
        SELECT p, p <= ${S} AS sellable, 1 + ${hash('pleaf', 'p')} % ${LEAVES.length} AS leaf, 1 + ${hash('pvendor', 'p')} % ${V} AS vendor_k,
               ${hash('pstatus', 'p')} % 100 AS status_r, ${hash('ptopic', 'p')} AS topic_h,
               CASE WHEN p <= ${S} THEN ${this.publishedFrom} + floor((p - 0.5) / ${S} * ${this.publishedSpan})
                    ELSE ${this.tailFrom} + floor((p - ${S} - 0.5) / ${Math.max(1, this.tail)} * ${this.tailSpan}) END::bigint AS at_ms
        FROM generate_series(1, ${P}) p
      ), shaped AS (
        SELECT b.*, l.id AS category_id, l.topics[1 + b.topic_h % cardinality(l.topics)] AS topic,
               coalesce(l.kind, ${pickText(['AGENT', 'WORKFLOW', 'TOOL'], 'pkind', 'p')}) AS kind,
               CASE WHEN sellable THEN 'PUBLISHED' WHEN status_r < 40 THEN 'DRAFT' WHEN status_r < 65 THEN 'IN_REVIEW' WHEN status_r < 80 THEN 'REJECTED' ELSE 'ARCHIVED' END AS status
        FROM base b JOIN bench_leaf l ON l.idx = b.leaf
      ), named AS (
        SELECT s.*, ${pickText(ADJECTIVES, 'padj', 'p')} || ' ' || topic || ' ' || ${kindNoun} AS name,
               CASE WHEN sellable THEN at_ms - (1 + ${hash('pcreated', 'p')} % 5) * ${DAY} ELSE at_ms END AS created_ms,
               CASE WHEN sellable THEN at_ms WHEN status = 'ARCHIVED' THEN at_ms + ${12 * HOUR} END AS published_ms
        FROM shaped s
      )
      SELECT p, sellable, ${id('product', 'p')} AS id, vendor_k, ${id('vendor', 'vendor_k')} AS vendor_id, category_id, kind, status, name,
             lower(regexp_replace(name, '[^A-Za-z0-9]+', '-', 'g')) || '-' || p AS slug,
             name || ' ' || lower(${pickText(VERBS, 'pverb', 'p')}) || ' ' || lower(topic) || ' ' || ${pickText(OBJECTS, 'pobj', 'p')}
               || ' for ' || ${pickText(AUDIENCES, 'paud', 'p')} || '. ' || ${pickText(CLOSERS, 'pclose', 'p')} AS description,
             ARRAY(SELECT DISTINCT t FROM unnest(ARRAY[lower(regexp_replace(topic, '[^A-Za-z0-9]+', '-', 'g')), lower(kind),
                   ${pickText(GENERAL_TAGS, 'ptag1', 'p')}, ${pickText(GENERAL_TAGS, 'ptag2', 'p')}]) t ORDER BY t) AS tags,
             ${pick(intArray(PRICES), PRICES.length, 'pprice', 'p')} AS price,
             ${pick(intArray(MAX_ACTIVATIONS), MAX_ACTIVATIONS.length, 'pmax', 'p')} AS max_activations,
             CASE status WHEN 'DRAFT' THEN 1 WHEN 'IN_REVIEW' THEN 2 WHEN 'ARCHIVED' THEN 4 ELSE 3 END AS revision,
             CASE WHEN status = 'REJECTED' THEN ${pickText(REJECTION_REASONS, 'preject', 'p')} END AS rejection_reason,
             30 + ${hash('pquality', 'p')} % 21 AS quality,
             created_ms, published_ms,
             CASE status WHEN 'PUBLISHED' THEN published_ms WHEN 'DRAFT' THEN created_ms WHEN 'IN_REVIEW' THEN created_ms + ${HOUR}
                         WHEN 'REJECTED' THEN created_ms + ${DAY} ELSE published_ms + (${this.anchor} - published_ms) / 2 END AS updated_ms
      FROM named`;
  }

  /** Orders (before their totals), one row per order with every moment of its life. */
  orderBaseTable(): string {
    const { orders: O, sellableProducts: S, customers: C, vendors: V, admins: A } = this.c;
    return `CREATE TEMP TABLE bench_order_base ON COMMIT DROP AS
      WITH base AS (
        SELECT o, (${this.ordersFrom} + floor(sqrt((o - 0.5) / ${O}) * ${this.ordersSpan}))::bigint AS created_ms,
               ${hash('ostatus', 'o')} % 1000 AS status_r, ${hash('olines', 'o')} % 100 AS lines_r, ${hash('op1', 'o')} AS p_h,
               ${hash('ostride', 'o')} AS stride_h, ${hash('ocustomer', 'o')} AS customer_h, ${hash('otime', 'o')} AS time_h
        FROM generate_series(1, ${O}) o
      ), limited AS (
        SELECT b.*, greatest(1, least(${S}, floor(${S} * (created_ms - ${this.publishedFrom})::float8 / ${this.publishedSpan})))::int AS pmax,
                    greatest(1, least(${C}, floor(${C} * (created_ms - ${this.customersFrom})::float8 / ${this.customersSpan})))::int AS cmax
        FROM base b
      ), timed AS (
        -- One order in ten comes from the earliest 1 % of customers: power buyers with pages of orders.
        SELECT l.*, ${V + A} + 1 + CASE WHEN customer_h % 10 = 0 THEN (customer_h / 10) % greatest(1, least(cmax, ${C} / 100)) ELSE customer_h % cmax END AS user_g,
               CASE WHEN status_r < 20 THEN 'REFUNDED' WHEN status_r < 35 THEN 'CANCELLED_CUSTOMER' WHEN status_r < 50 THEN 'CANCELLED_TIMEOUT'
                    WHEN status_r < 60 THEN 'PAYMENT_FAILED' ELSE 'FULFILLED' END AS kind,
               created_ms + 15000 + time_h % 30000 AS intent_ms
        FROM limited l
      ), paid AS (
        SELECT t.*, intent_ms + 20000 + (time_h / 30000) % 60000 AS paid_ms FROM timed t
      )
      SELECT o, ${id('order', 'o')} AS id, 'MP-' || lpad(o::text, 6, '0') AS number, 'bench:order:' || o AS idempotency_key,
             user_g, ${this.userId('user_g')} AS user_id, kind, pmax,
             least(pmax, CASE WHEN lines_r < 60 THEN 1 WHEN lines_r < 90 THEN 2 ELSE 3 END) AS lines,
             1 + floor(pmax * power(p_h / 4294967296.0, 2))::int AS p1,
             1 + stride_h % greatest(1, (pmax - 1) / 2) AS stride,
             ${id('payment', 'o')} AS payment_id,
             'pi_local_' || substr(md5('bench:intent:' || o), 1, 24) AS provider_ref,
             created_ms, intent_ms, paid_ms,
             paid_ms + 50 AS order_paid_ms, paid_ms + 150 AS issue_ms, paid_ms + 250 AS fulfilled_ms,
             paid_ms + least((1 + time_h % 14) * ${DAY}, (${this.anchor - HOUR} - paid_ms) / 2) AS refund_requested_ms,
             paid_ms + least((1 + time_h % 14) * ${DAY}, (${this.anchor - HOUR} - paid_ms) / 2) + 2000 AS refunded_ms,
             intent_ms + 30000 AS failed_ms,
             CASE WHEN kind = 'CANCELLED_CUSTOMER' THEN created_ms + 120000 + time_h % 1080000 ELSE created_ms + ${30 * MINUTE} + time_h % 60000 END AS cancelled_ms
      FROM paid`;
  }

  /** Order lines: distinct products of the order, all published before it was placed. */
  lineTable(): string {
    return `CREATE TEMP TABLE bench_lines ON COMMIT DROP AS
      SELECT o.o, o.id AS order_id, o.number, o.user_id, o.kind, l.position, pr.p, pr.id AS product_id, pr.vendor_id, pr.name, pr.price,
             pr.max_activations, pr.quality, ${id('license', "o.o || ':' || l.position")} AS license_id,
             o.payment_id, o.order_paid_ms, o.issue_ms, o.refunded_ms
      FROM bench_order_base o
      CROSS JOIN LATERAL generate_series(1, o.lines) AS l(position)
      JOIN bench_products pr ON pr.p = 1 + ((o.p1 - 1 + (l.position - 1) * o.stride) % o.pmax)`;
  }

  orderTable(): string {
    return `CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
      SELECT b.*, t.total,
             CASE b.kind WHEN 'FULFILLED' THEN b.fulfilled_ms WHEN 'REFUNDED' THEN b.refunded_ms + 50 ELSE b.cancelled_ms END AS updated_ms
      FROM bench_order_base b JOIN (SELECT o, sum(price)::int AS total FROM bench_lines GROUP BY o) t USING (o)`;
  }

  /** About 30 % of the licenses of kept orders get a review, one per customer and product. */
  reviewTable(): string {
    const bodies = REVIEW_BODIES.map((list, index) => `WHEN ${index + 1} THEN ${pickText(list, 'rbody', 'key')}`).join(
      ' ',
    );
    return `CREATE TEMP TABLE bench_reviews ON COMMIT DROP AS
      SELECT ${id('review', 'key')} AS id, product_id, user_id AS author_id, rating, CASE rating ${bodies} END AS body,
             issue_ms + least((1 + ${hash('rtime', 'key')} % 20) * ${DAY}, (${this.anchor - HOUR} - issue_ms) / 2) AS created_ms
      FROM (
        SELECT DISTINCT ON (product_id, user_id) l.o || ':' || l.position AS key, l.product_id, l.user_id, l.issue_ms,
               greatest(1, least(5, round(l.quality / 10.0 + (${hash('rrating', "l.o || ':' || l.position")} % 100 - 60) / 40.0)))::smallint AS rating
        FROM bench_lines l
        WHERE l.kind = 'FULFILLED' AND ${hash('rpick', "l.o || ':' || l.position")} % 100 < 30
        ORDER BY product_id, user_id, l.o
      ) r`;
  }
}

type Step = (name: string, work: () => Promise<unknown>) => Promise<void>;

/** Runs a subgraph's load in one transaction (temp tables die with it), timing each step. */
async function inTransaction(
  db: DataSource,
  subgraph: string,
  phases: DatasetReport['phases'],
  log: (line: string) => void,
  work: (manager: EntityManager, step: Step) => Promise<void>,
) {
  const started = performance.now();
  await db.transaction(async (manager) => {
    await manager.query(`SET LOCAL work_mem = '64MB'`);
    await manager.query(`SET LOCAL synchronous_commit = off`);
    await work(manager, async (name, task) => {
      const from = performance.now();
      await task();
      const seconds = (performance.now() - from) / 1000;
      phases.push({ name: `${subgraph}: ${name}`, seconds });
      log(`  ${subgraph}: ${name} ${seconds.toFixed(2)} s`);
    });
  });
  const seconds = (performance.now() - started) / 1000;
  phases.push({ name: `${subgraph} (total)`, seconds });
  log(`${subgraph} loaded in ${seconds.toFixed(2)} s`);
}

/** Builds the shared temp tables a subgraph's statements read (what each subgraph derives alike). */
async function canonical(
  manager: EntityManager,
  plan: Plan,
  upTo: 'vendors' | 'products' | 'orders' | 'reviews',
): Promise<void> {
  const run = async (sql: string, table: string, index?: string) => {
    await manager.query(sql);
    if (index) await manager.query(`CREATE INDEX ON ${table} (${index})`);
    await manager.query(`ANALYZE ${table}`);
  };
  await run(plan.vendorTable(), 'bench_vendors', 'k');
  if (upTo === 'vendors') return;
  await run(plan.leafTable(), 'bench_leaf');
  await run(plan.productTable(), 'bench_products', 'p');
  if (upTo === 'products') return;
  await run(plan.orderBaseTable(), 'bench_order_base', 'o');
  await run(plan.lineTable(), 'bench_lines', 'o, position');
  await run(plan.orderTable(), 'bench_orders', 'o');
  if (upTo === 'orders') return;
  await run(plan.reviewTable(), 'bench_reviews');
}

// ---------------------------------------------------------------------------------------
// Per subgraph
// ---------------------------------------------------------------------------------------

async function loadUsers(manager: EntityManager, step: Step, plan: Plan, passwordHash: string) {
  const { users: U, vendors: V, admins: A, customers: C } = plan.c;
  await step('users', () =>
    manager.query(
      `INSERT INTO users (id, email, display_name, password_hash, role, email_verified_at, created_at, updated_at)
       SELECT ${plan.userId('g')},
              CASE WHEN g <= ${V} THEN 'vendor' || g WHEN g <= ${V + A} THEN 'admin' || (g - ${V}) ELSE 'user' || (g - ${V + A}) END || '@${DATASET_EMAIL_DOMAIN}',
              ${pickText(FIRST_NAMES, 'ufirst', 'g')} || ' ' || ${pickText(LAST_NAMES, 'ulast', 'g')},
              $1,
              CASE WHEN g <= ${V} THEN 'VENDOR' WHEN g <= ${V + A} THEN 'ADMIN' ELSE 'CUSTOMER' END,
              ${ts(`created_ms + ${10 * MINUTE}`)}, ${ts('created_ms')},
              ${ts(`CASE WHEN g <= ${V} THEN created_ms + ${DAY} + 100 ELSE created_ms + ${10 * MINUTE} END`)}
       FROM (SELECT g, CASE WHEN g <= ${V} THEN ${plan.vendorUsersFrom} + floor((g - 1)::float8 / ${V} * ${plan.vendorUsersSpan})
                            WHEN g <= ${V + A} THEN ${plan.vendorUsersFrom - 20 * DAY} + (g - ${V}) * ${HOUR}
                            ELSE ${plan.customersFrom} + floor((g - ${V + A} - 1)::float8 / ${C} * ${plan.customersSpan}) END::bigint AS created_ms
             FROM generate_series(1, ${U}) g) u
       ORDER BY g`,
      [passwordHash],
    ),
  );
}

async function loadVendor(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await step('vendors', () =>
    manager.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, bio, status, commission_bps, created_at, approved_at, updated_at)
       SELECT id, user_id, name, slug, bio, 'ACTIVE', ${plan.commissionBps}, ${ts('applied_ms')}, ${ts('approved_ms')}, ${ts('approved_ms')}
       FROM bench_vendors ORDER BY k`,
    ),
  );
  const paid = `o.kind IN ('FULFILLED', 'REFUNDED')`;
  await step('ledger_orders', () =>
    manager.query(
      `INSERT INTO ledger_orders (order_id, number, payment_id, paid_at, refunded_at, created_at)
       SELECT o.id, o.number, o.payment_id, ${ts('o.order_paid_ms')}, CASE WHEN o.kind = 'REFUNDED' THEN ${ts('o.refunded_ms')} END, ${ts('o.order_paid_ms + 20')}
       FROM bench_orders o WHERE ${paid} ORDER BY o.o`,
    ),
  );
  // order.paid credits each line (SALE + COMMISSION at the vendor's rate, rounded half up); payment.refunded debits them.
  const commission = `((l.price::bigint * ${plan.commissionBps} + 5000) / 10000)`;
  const available = `l.order_paid_ms + ${plan.holdDays * DAY}`;
  await step('ledger_entries', () =>
    manager.query(
      `INSERT INTO ledger_entries (id, vendor_id, kind, amount, currency, order_id, product_id, product_name, occurred_at, available_at, created_at)
       SELECT ${id('ledger', "e.kind || ':' || l.o || ':' || l.position")}, l.vendor_id, e.kind, e.amount, 'USD', l.order_id, l.product_id, l.name,
              ${ts('e.occurred_ms')}, ${ts('e.available_ms')}, ${ts('e.occurred_ms + 20')}
       FROM bench_lines l
       CROSS JOIN LATERAL (VALUES
         ('SALE', l.price::bigint, l.order_paid_ms, ${available}, true),
         ('COMMISSION', -${commission}, l.order_paid_ms, ${available}, true),
         ('REFUND', -l.price::bigint, l.refunded_ms, greatest(${available}, l.refunded_ms), l.kind = 'REFUNDED'),
         ('REFUND_COMMISSION', ${commission}, l.refunded_ms, greatest(${available}, l.refunded_ms), l.kind = 'REFUNDED')
       ) AS e(kind, amount, occurred_ms, available_ms, happened)
       WHERE l.kind IN ('FULFILLED', 'REFUNDED') AND e.happened
       ORDER BY e.occurred_ms, l.o, l.position, e.kind`,
    ),
  );
}

async function loadCatalog(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'reviews'));
  await step('vendors', () =>
    manager.query(
      `INSERT INTO vendors (id, user_id, display_name, slug, status, status_changed_at, profile_changed_at, updated_at)
       SELECT id, user_id, name, slug, 'ACTIVE', ${ts('approved_ms')}, ${ts('approved_ms')}, ${ts('approved_ms + 100')} FROM bench_vendors ORDER BY k`,
    ),
  );
  await step('categories', () =>
    manager.query(
      `INSERT INTO categories (id, slug, name, description, parent_id, position)
       SELECT id, slug, name, description, "parentId", position
       FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, slug text, name text, description text, "parentId" uuid, position int)
       ORDER BY "parentId" NULLS FIRST, position`,
      [JSON.stringify(NEW_CATEGORIES)],
    ),
  );
  // `search` is a generated column; the row trigger adds names and tags to search_terms (typo tolerance).
  await step('products', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, category_id, slug, name, description, kind, price_amount, price_currency, tags, status, rejection_reason,
                             revision, rating, review_count, sales_count, max_activations, created_at, updated_at, published_at)
       SELECT p.id, p.vendor_id, p.category_id, p.slug, p.name, p.description, p.kind, p.price, 'USD', p.tags, p.status, p.rejection_reason,
              p.revision, coalesce(r.rating, 0), coalesce(r.count, 0), 0, p.max_activations,
              ${ts('p.created_ms')}, ${ts('p.updated_ms')}, ${ts('p.published_ms')}
       FROM bench_products p
       LEFT JOIN (SELECT product_id, round(avg(rating), 1) AS rating, count(*)::int AS count FROM bench_reviews GROUP BY product_id) r ON r.product_id = p.id
       ORDER BY p.p`,
    ),
  );
  await step('licenses', () =>
    manager.query(
      `INSERT INTO licenses (id, product_id, owner_id, order_id, issued_at, revoked_at)
       SELECT license_id, product_id, user_id, order_id, ${ts('issue_ms + 30')}, CASE WHEN kind = 'REFUNDED' THEN ${ts('refunded_ms + 100')} END
       FROM bench_lines WHERE kind IN ('FULFILLED', 'REFUNDED') ORDER BY o, position`,
    ),
  );
  await step('reviews', () =>
    manager.query(
      `INSERT INTO reviews (id, product_id, author_id, rating, body, created_at, updated_at)
       SELECT id, product_id, author_id, rating, body, ${ts('created_ms')}, ${ts('created_ms')} FROM bench_reviews ORDER BY created_ms`,
    ),
  );
}

async function loadOrders(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  // product.published (revision 3); product.archived keeps the revision and only moves the status.
  await step('product replica', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, slug, name, kind, price_amount, price_currency, status, revision, changed_at, updated_at)
       SELECT id, vendor_id, slug, name, kind, price, 'USD', status, 3, ${ts('updated_ms')}, ${ts('updated_ms + 100')}
       FROM bench_products WHERE published_ms IS NOT NULL ORDER BY p`,
    ),
  );
  await step('orders', () =>
    manager.query(
      `INSERT INTO orders (id, number, user_id, status, currency, subtotal_amount, total_amount, idempotency_key, created_at, updated_at)
       SELECT id, number, user_id, CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN kind ELSE 'CANCELLED' END, 'USD', total, total, idempotency_key,
              ${ts('created_ms')}, ${ts('updated_ms')}
       FROM bench_orders ORDER BY o`,
    ),
  );
  await step('order_items', () =>
    manager.query(
      `INSERT INTO order_items (order_id, product_id, vendor_id, name, unit_price, currency, quantity, license_id, position)
       SELECT order_id, product_id, vendor_id, name, price, 'USD', 1, CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN license_id END, position
       FROM bench_lines ORDER BY o, position`,
    ),
  );
  await step('order_status_history', () =>
    manager.query(
      `INSERT INTO order_status_history (order_id, from_status, to_status, reason, at)
       SELECT o.id, h.from_status, h.to_status, h.reason, ${ts('h.at_ms')}
       FROM bench_orders o
       CROSS JOIN LATERAL (VALUES
         (1, NULL, 'PENDING_PAYMENT', 'checkout', o.created_ms, true),
         (2, 'PENDING_PAYMENT', 'PAID', 'payment.succeeded', o.order_paid_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         (3, 'PAID', 'FULFILLED', 'license.issued', o.fulfilled_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         (4, 'FULFILLED', 'REFUNDED', 'payment.refunded', o.refunded_ms + 50, o.kind = 'REFUNDED'),
         (2, 'PENDING_PAYMENT', 'PAYMENT_FAILED', 'payment.failed', o.failed_ms + 50, o.kind = 'PAYMENT_FAILED'),
         (3, 'PAYMENT_FAILED', 'CANCELLED', 'PAYMENT_TIMEOUT', o.cancelled_ms, o.kind = 'PAYMENT_FAILED'),
         (2, 'PENDING_PAYMENT', 'CANCELLED', 'PAYMENT_TIMEOUT', o.cancelled_ms, o.kind = 'CANCELLED_TIMEOUT'),
         (2, 'PENDING_PAYMENT', 'CANCELLED', 'CUSTOMER', o.cancelled_ms, o.kind = 'CANCELLED_CUSTOMER')
       ) AS h(seq, from_status, to_status, reason, at_ms, happened)
       WHERE h.happened
       ORDER BY o.o, h.seq`,
    ),
  );
  // New checkouts continue after the generated numbers.
  await step('number sequence', () => manager.query(`SELECT setval('order_number_seq', $1)`, [plan.c.orders]));
}

async function loadPayments(manager: EntityManager, step: Step, plan: Plan) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await step('orders', () =>
    manager.query(
      `INSERT INTO orders (id, user_id, amount, currency, status, created_at, updated_at)
       SELECT id, user_id, total, 'USD', CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN 'OPEN' ELSE 'CANCELLED' END,
              ${ts('created_ms + 30')}, ${ts("CASE WHEN kind IN ('FULFILLED', 'REFUNDED') THEN created_ms + 30 ELSE cancelled_ms + 30 END")}
       FROM bench_orders ORDER BY o`,
    ),
  );
  await step('payments', () =>
    manager.query(
      `INSERT INTO payments (id, order_id, status, amount, currency, provider, provider_ref, client_secret, failure_reason, refund_reason,
                             refund_requested_at, refunded_at, created_at, updated_at)
       SELECT payment_id, id, CASE kind WHEN 'FULFILLED' THEN 'SUCCEEDED' WHEN 'REFUNDED' THEN 'REFUNDED' ELSE 'FAILED' END, total, 'USD', 'LOCAL',
              provider_ref, provider_ref || '_secret_' || substr(md5('bench:secret:' || o), 1, 24),
              CASE WHEN kind = 'PAYMENT_FAILED' THEN 'Your card was declined.' END,
              CASE WHEN kind = 'REFUNDED' THEN ${quote(DATASET_REFUND_REASON)} END,
              CASE WHEN kind = 'REFUNDED' THEN ${ts('refund_requested_ms')} END,
              CASE WHEN kind = 'REFUNDED' THEN ${ts('refunded_ms')} END,
              ${ts('intent_ms')},
              ${ts("CASE kind WHEN 'FULFILLED' THEN paid_ms WHEN 'REFUNDED' THEN refunded_ms ELSE failed_ms END")}
       FROM bench_orders WHERE kind IN ('FULFILLED', 'REFUNDED', 'PAYMENT_FAILED') ORDER BY o`,
    ),
  );
  // The Stripe events applied (each id once); the local provider names its refund event after the payment.
  await step('stripe_events', () =>
    manager.query(
      `INSERT INTO stripe_events (id, type, payment_id, received_at)
       SELECT e.id, e.type, o.payment_id, ${ts('e.at_ms')}
       FROM bench_orders o
       CROSS JOIN LATERAL (VALUES
         ('evt_local_' || substr(md5('bench:event:' || o.o), 1, 24), 'payment_intent.succeeded', o.paid_ms, o.kind IN ('FULFILLED', 'REFUNDED')),
         ('evt_local_' || substr(md5('bench:event:' || o.o), 1, 24), 'payment_intent.payment_failed', o.failed_ms, o.kind = 'PAYMENT_FAILED'),
         ('evt_local_refund_' || substr(encode(sha256(convert_to('refund:' || o.payment_id, 'UTF8')), 'hex'), 1, 24), 'charge.refunded', o.refunded_ms, o.kind = 'REFUNDED')
       ) AS e(id, type, at_ms, happened)
       WHERE e.happened
       ORDER BY e.at_ms`,
    ),
  );
}

async function loadLicensing(
  manager: EntityManager,
  step: Step,
  plan: Plan,
  options: Required<Pick<DatasetOptions, 'signingKey' | 'licenseValidityDays' | 'licenseBatchSize'>>,
) {
  await step('derive', () => canonical(manager, plan, 'orders'));
  await manager.query(`CREATE INDEX ON bench_lines (license_id)`);
  // product.published carries the policy; product.archived does not reach licensing.
  await step('product replica', () =>
    manager.query(
      `INSERT INTO products (id, vendor_id, name, status, max_activations, revision, updated_at)
       SELECT id, vendor_id, name, 'PUBLISHED', max_activations, 3, ${ts('published_ms + 100')}
       FROM bench_products WHERE published_ms IS NOT NULL ORDER BY p`,
    ),
  );
  await step('licenses (signed keys)', async () => {
    const lines = await manager.query<{ id: string; pid: string; sub: string; max: number; iat: string }[]>(
      `SELECT license_id AS id, product_id AS pid, user_id AS sub, max_activations AS max, (issue_ms / 1000)::text AS iat
       FROM bench_lines WHERE kind IN ('FULFILLED', 'REFUNDED') ORDER BY o, position`,
    );
    const { privateKey, keyId } = options.signingKey;
    const validity = options.licenseValidityDays * 86_400;
    const insert = (ids: string[], keys: string[], digests: string[], expires: (number | null)[]) =>
      manager.query(
        `INSERT INTO licenses (id, order_id, product_id, owner_id, status, max_activations, license_key, key_sha256, issued_at, expires_at, revoked_at, revoke_reason)
         SELECT l.license_id, l.order_id, l.product_id, l.user_id, CASE WHEN l.kind = 'REFUNDED' THEN 'REVOKED' ELSE 'ACTIVE' END, l.max_activations,
                k.key, k.digest, to_timestamp(l.issue_ms / 1000), to_timestamp(k.exp),
                CASE WHEN l.kind = 'REFUNDED' THEN ${ts('l.refunded_ms + 100')} END, CASE WHEN l.kind = 'REFUNDED' THEN ${quote(DATASET_REFUND_REASON)} END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS k(id, key, digest, exp, n)
         JOIN bench_lines l ON l.license_id = k.id
         ORDER BY k.n`,
        [ids, keys, digests, expires],
      );
    // Signing (CPU, here) overlaps the previous batch's insert (in Postgres).
    let pending: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < lines.length; from += options.licenseBatchSize) {
      const batch = lines.slice(from, from + options.licenseBatchSize);
      const keys = batch.map((line) => {
        const iat = Number(line.iat);
        return signLicenseKey(
          {
            v: 1,
            lid: line.id,
            pid: line.pid,
            sub: line.sub,
            max: line.max,
            iat,
            exp: validity > 0 ? iat + validity : null,
            kid: keyId,
          },
          privateKey,
        );
      });
      const digests = keys.map((key) => createHash('sha256').update(key.trim()).digest('hex'));
      const expires = batch.map((line) => (validity > 0 ? Number(line.iat) + validity : null));
      await pending;
      pending = insert(
        batch.map((line) => line.id),
        keys,
        digests,
        expires,
      );
    }
    await pending;
  });
  await step('refunded_orders', () =>
    manager.query(
      `INSERT INTO refunded_orders (order_id, reason, refunded_at)
       SELECT id, ${quote(DATASET_REFUND_REASON)}, ${ts('refunded_ms + 100')} FROM bench_orders WHERE kind = 'REFUNDED' ORDER BY o`,
    ),
  );
}

/** Refuses anything but a freshly migrated supergraph (the demo seed may have run: it does not collide). */
async function checkFresh(dbs: DatasetDatabases): Promise<void> {
  const [{ orders }] = await dbs.orders.query(`SELECT count(*)::int AS orders FROM orders`);
  const [{ users }] = await dbs.users.query(
    `SELECT count(*)::int AS users FROM users WHERE email LIKE '%@${DATASET_EMAIL_DOMAIN}'`,
  );
  if (orders > 0 || users > 0)
    throw new Error(`loadDataset needs a fresh database (found ${orders} orders, ${users} generated users)`);
}

/**
 * Fills every subgraph's tables with the data set at `scale` (1 = 50,000 products, 20,000
 * users, 100,000 orders). The subgraphs load in parallel, each in one transaction.
 */
export async function loadDataset(
  dbs: DatasetDatabases,
  scale = 1,
  log: (line: string) => void = () => undefined,
  options: DatasetOptions = {},
): Promise<DatasetReport> {
  const env = envReader();
  const anchor = options.anchor ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const plan = new Plan(
    scale,
    anchor,
    options.commissionBps ?? env.int('VENDOR_DEFAULT_COMMISSION_BPS', 1500, { min: 0, max: 10_000 }),
    options.earningsHoldDays ?? env.int('VENDOR_EARNINGS_HOLD_DAYS', 7, { min: 0, max: 90 }),
  );
  const licensing = {
    signingKey: options.signingKey ?? readLicensingConfig(env).signingKey,
    licenseValidityDays: options.licenseValidityDays ?? env.int('LICENSE_VALIDITY_DAYS', 0, { min: 0 }),
    licenseBatchSize: options.licenseBatchSize ?? 5_000,
  };
  const started = performance.now();
  const phases: DatasetReport['phases'] = [];
  await checkFresh(dbs);
  log(`loading the data set at scale ${scale}: ${JSON.stringify(plan.c)}, anchored at ${anchor.toISOString()}`);

  const hashStarted = performance.now();
  const passwordHash = await new PasswordHasher(
    options.passwordHashCost ?? env.int('PASSWORD_HASH_COST', 15, { min: 10, max: 20 }),
  ).hash(DATASET_PASSWORD);
  phases.push({ name: 'password hash', seconds: (performance.now() - hashStarted) / 1000 });

  const run = (name: keyof DatasetDatabases, work: (manager: EntityManager, step: Step) => Promise<void>) =>
    inTransaction(dbs[name], name, phases, log, work);
  await Promise.all([
    run('users', (manager, step) => loadUsers(manager, step, plan, passwordHash)),
    run('vendor', (manager, step) => loadVendor(manager, step, plan)),
    run('catalog', (manager, step) => loadCatalog(manager, step, plan)),
    run('orders', (manager, step) => loadOrders(manager, step, plan)),
    run('payments', (manager, step) => loadPayments(manager, step, plan)),
    run('licensing', (manager, step) => loadLicensing(manager, step, plan, licensing)),
  ]);
  const seconds = (performance.now() - started) / 1000;
  log(`data set loaded in ${seconds.toFixed(2)} s`);
  return { counts: plan.c, phases, seconds };
}

/** The tables the data set fills, per subgraph. */
export const DATASET_TABLES: Record<keyof DatasetDatabases, string[]> = {
  users: ['users'],
  vendor: ['vendors', 'ledger_orders', 'ledger_entries'],
  catalog: ['vendors', 'categories', 'products', 'search_terms', 'licenses', 'reviews'],
  orders: ['products', 'orders', 'order_items', 'order_status_history'],
  payments: ['orders', 'payments', 'stripe_events'],
  licensing: ['products', 'licenses', 'refunded_orders'],
};

/** Rows per table, as `subgraph.table`. */
export async function countRows(dbs: DatasetDatabases): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [subgraph, tables] of Object.entries(DATASET_TABLES) as [keyof DatasetDatabases, string[]][]) {
    for (const table of tables) {
      const [{ count }] = await dbs[subgraph].query(`SELECT count(*)::int AS count FROM ${table}`);
      counts[`${subgraph}.${table}`] = count;
    }
  }
  return counts;
}

/** Fresh statistics for the planner after the bulk load. */
export async function analyzeDataset(dbs: DatasetDatabases): Promise<void> {
  await Promise.all(
    (Object.entries(DATASET_TABLES) as [keyof DatasetDatabases, string[]][]).map(([subgraph, tables]) =>
      dbs[subgraph].query(`ANALYZE ${tables.join(', ')}`),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------

async function main() {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const keep = process.env.BENCH_KEEP === '1';
  const database = await ensureDatabaseServer('bench-dataset');
  const passwordHashCost = process.env.PASSWORD_HASH_COST ?? '15';
  const supergraph = await startTestSupergraph({ LOG_LEVEL: 'warn', PASSWORD_HASH_COST: passwordHashCost });
  const dbs = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphs.get(name)!.deps.db]),
  ) as DatasetDatabases;
  const write = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report = await loadDataset(dbs, scale, write, { passwordHashCost: Number(passwordHashCost) });
    const analyzeStarted = performance.now();
    await analyzeDataset(dbs);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    const counts = await countRows(dbs);
    write('');
    write('| table | rows |');
    write('|---|---|');
    for (const [table, count] of Object.entries(counts)) write(`| ${table} | ${count.toLocaleString('en')} |`);
    write('');
    write('| phase | seconds |');
    write('|---|---|');
    const rank = (name: string) => ['password hash', ...SUBGRAPH_NAMES].findIndex((prefix) => name.startsWith(prefix));
    const phases = report.phases
      .map((phase, index) => ({ ...phase, index }))
      .sort((a, b) => rank(a.name) - rank(b.name) || a.index - b.index);
    for (const phase of phases) write(`| ${phase.name} | ${phase.seconds.toFixed(2)} |`);
    write(`| load (wall, subgraphs in parallel) | ${report.seconds.toFixed(2)} |`);
    write(`| ANALYZE | ${analyzeSeconds.toFixed(2)} |`);
    if (keep) write(`\nkept: ${supergraph.database.url} (log in as ${customerEmail(1)} / ${DATASET_PASSWORD})`);
  } finally {
    if (keep) {
      await supergraph.gateway.close();
      for (const subgraph of [...supergraph.subgraphs.values()].reverse()) await subgraph.close();
    } else {
      await supergraph.close();
    }
    await database.stop();
  }
}

if (require.main === module) {
  void main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`dataset failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
