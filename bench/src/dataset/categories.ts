/**
 * The category tree: the leaves the catalog's migration seeds, and the roots and children the
 * data set adds. Products are dealt over the leaves; a leaf's topics name them.
 */
import { datasetId } from './model';

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

export const NEW_CATEGORIES = NEW_ROOTS.flatMap((root, rootIndex) => {
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

export const LEAVES: Leaf[] = [
  ...SEEDED_LEAVES,
  ...NEW_ROOTS.flatMap((root) =>
    root.children.map(([slug, , topics]) => ({ id: datasetId('category', slug), slug, kind: null, topics })),
  ),
];
