import { createHash } from 'node:crypto';
import { ProductKind } from './product.entity';
import { slugify } from './product.validation';

/** One demo product, generated deterministically: the same list on every machine and every run. */
export interface DemoProduct {
  id: string;
  slug: string;
  name: string;
  description: string;
  kind: ProductKind;
  categorySlug: string;
  vendor: 'ada' | 'grace';
  priceAmount: number;
  tags: string[];
  requirements: string[];
  compatibility: string[];
}

interface Line {
  categorySlug: string;
  kind: ProductKind;
  vendor: 'ada' | 'grace';
  /** [name prefix, what it does]. */
  subjects: [string, string][];
  /** [name suffix, how it works]. */
  forms: [string, string][];
  tags: string[];
  closers: string[];
  /** What the closers promise, as the product page lists it. */
  requirements: string[];
  compatibility: string[];
}

const LINES: Line[] = [
  {
    categorySlug: 'customer-support',
    kind: ProductKind.AGENT,
    vendor: 'ada',
    subjects: [
      ['Customer Support', 'answers customer questions from your help center articles and past tickets'],
      ['Refund Request', 'handles refund requests against your refund policy and prepares the refund for approval'],
      ['Ticket Triage', 'reads every incoming ticket, tags it, sets its priority and routes it to the right queue'],
      ['Live Chat', 'greets website visitors, answers product questions and books demos'],
      ['Order Status', 'tells customers where their order is by looking it up in your shop and carrier systems'],
      ['Returns', 'walks customers through returns, creates the label and updates the order'],
      ['Onboarding', 'guides new customers through setup with short, personal check-ins'],
    ],
    forms: [
      ['Assistant', 'It drafts every answer for a human to approve until you let it reply on its own.'],
      ['Agent', 'It works unattended around the clock and hands over to a person with a summary when it is unsure.'],
      ['Copilot', 'It sits inside your help desk and suggests replies, macros and next steps as agents type.'],
      ['Concierge', "It speaks 30 languages and keeps your brand's tone of voice."],
    ],
    tags: ['customer-support', 'helpdesk', 'zendesk', 'intercom', 'chat', 'email', 'multilingual', 'tickets'],
    closers: [
      'Works with Zendesk, Intercom, Freshdesk and Help Scout.',
      'Every conversation is logged with the sources the answer came from.',
      'Set-up takes about ten minutes: connect your help desk and point it at your knowledge base.',
    ],
    requirements: [
      'A help desk account: Zendesk, Intercom, Freshdesk or Help Scout',
      'A help center or knowledge base to answer from',
    ],
    compatibility: ['Zendesk', 'Intercom', 'Freshdesk', 'Help Scout'],
  },
  {
    categorySlug: 'coding',
    kind: ProductKind.AGENT,
    vendor: 'ada',
    subjects: [
      ['SQL Query', 'writes and explains SQL for Postgres, MySQL and BigQuery from a plain-English question'],
      ['Code Review', 'reviews pull requests for bugs, security issues and style, and explains each finding'],
      ['Unit Test', 'writes unit tests for untested functions and runs them until they pass'],
      ['Refactoring', 'splits long functions, removes dead code and renames things consistently'],
      ['Dependency Upgrade', 'upgrades outdated dependencies one at a time and fixes what breaks'],
      ['Documentation', 'writes docstrings, READMEs and API references from your code'],
      ['Bug Triage', 'reproduces reported bugs, finds the commit that introduced them and proposes a fix'],
    ],
    forms: [
      ['Copilot', 'It works in your editor and your terminal, and never pushes without asking.'],
      ['Agent', 'It opens a pull request for every change, with a description of what it did and why.'],
      ['Assistant', 'It answers follow-up questions about its own changes in the pull request thread.'],
      ['Bot', 'It runs in CI on every pull request and comments only when it has something useful to say.'],
    ],
    tags: ['coding', 'github', 'gitlab', 'typescript', 'python', 'sql', 'testing', 'code-review'],
    closers: [
      'Supports TypeScript, Python, Go, Java and Rust.',
      'Your code never leaves your CI runner.',
      'Comes with a configuration file to tune how strict it is.',
    ],
    requirements: ['A GitHub or GitLab repository', 'Node.js 20 or later for the CLI'],
    compatibility: ['TypeScript', 'Python', 'Go', 'Java', 'Rust', 'GitHub', 'GitLab'],
  },
  {
    categorySlug: 'research',
    kind: ProductKind.AGENT,
    vendor: 'ada',
    subjects: [
      ['Market Research', 'maps a market: competitors, pricing, positioning and recent funding'],
      ['Literature Review', 'searches papers, reads the relevant ones and writes a structured review with citations'],
      ['Competitor Watch', "follows your competitors' websites, changelogs and job posts and reports what changed"],
      ['Patent Search', "finds prior art for an invention and summarises each patent's claims"],
      ['Due Diligence', 'collects public information on a company and flags risks'],
      ['News Digest', 'reads the news on your topics every morning and writes a one-page brief'],
    ],
    forms: [
      ['Analyst', 'Every claim in its reports links to the source it came from.'],
      ['Agent', 'It plans its research, searches, reads and revises its report before handing it over.'],
      ['Assistant', 'You can ask it follow-up questions about any report it wrote.'],
      ['Scout', 'It runs on a schedule and only writes to you when something relevant happened.'],
    ],
    tags: ['research', 'reports', 'citations', 'web-search', 'summaries', 'pdf', 'analysis'],
    closers: [
      'Exports to Markdown, Google Docs and Notion.',
      'Reads PDFs, web pages and spreadsheets.',
      'Respects robots.txt and paywalls.',
    ],
    requirements: ['An API key of a web search provider'],
    compatibility: ['Markdown', 'Google Docs', 'Notion', 'PDF'],
  },
  {
    categorySlug: 'marketing',
    kind: ProductKind.WORKFLOW,
    vendor: 'grace',
    subjects: [
      ['Content Calendar', 'plans a month of posts from your blog and product updates'],
      ['Social Media Scheduler', 'turns each new blog post into posts for LinkedIn, X and Mastodon and schedules them'],
      ['Newsletter', "collects the week's highlights and drafts your newsletter in your voice"],
      ['SEO Audit', 'crawls your site, finds missing titles, broken links and slow pages, and files tasks'],
      ['Campaign Report', 'pulls ad spend and conversions from every channel into one weekly report'],
      ['Product Launch', 'coordinates launch posts, emails and changelog entries from one brief'],
    ],
    forms: [
      ['Workflow', 'Each step can be reviewed before anything is published.'],
      ['Automation', 'It runs on a schedule and posts a summary of what it did to Slack.'],
      ['Playbook', 'It comes with templates you can edit step by step.'],
      ['Pipeline', 'It keeps a history of every run so you can see what changed.'],
    ],
    tags: ['marketing', 'social-media', 'seo', 'newsletter', 'content', 'analytics', 'hubspot'],
    closers: [
      'Connects to HubSpot, Mailchimp, Buffer and Google Analytics.',
      'Runs on a schedule or whenever you publish.',
      'Includes brand-voice settings so posts sound like you.',
    ],
    requirements: ['A HubSpot or Mailchimp account', 'Admin access to the social accounts it posts to'],
    compatibility: ['HubSpot', 'Mailchimp', 'Buffer', 'Google Analytics', 'LinkedIn', 'X', 'Mastodon'],
  },
  {
    categorySlug: 'data-pipelines',
    kind: ProductKind.WORKFLOW,
    vendor: 'grace',
    subjects: [
      [
        'Invoice Extraction',
        'reads invoices from an inbox, extracts the line items and posts them to your accounting system',
      ],
      ['CSV Cleanup', 'deduplicates, normalises and validates CSV exports before they reach your warehouse'],
      ['Data Warehouse Sync', 'copies tables from your SaaS tools into Postgres, BigQuery or Snowflake every hour'],
      ['Document Classification', 'sorts incoming documents by type and routes them to the right folder'],
      ['Receipt Scanning', 'turns photos of receipts into expense entries with VAT split out'],
      ['Survey Analysis', 'tags open-ended survey answers by theme and sentiment and charts the results'],
    ],
    forms: [
      ['Workflow', 'Failed rows are quarantined with the reason, never silently dropped.'],
      ['Pipeline', 'It is incremental: each run only touches what changed since the last one.'],
      ['Automation', 'It alerts you when the input looks different from usual.'],
      ['Flow', 'Each step is a small, testable unit you can rearrange.'],
    ],
    tags: ['data', 'etl', 'postgres', 'bigquery', 'snowflake', 'csv', 'ocr', 'automation'],
    closers: [
      'Handles millions of rows on a laptop.',
      'Ships with data-quality checks you can extend.',
      'Runs on your own infrastructure or ours.',
    ],
    requirements: ['A Postgres, BigQuery or Snowflake warehouse', 'Docker, to run it on your own infrastructure'],
    compatibility: ['Postgres', 'BigQuery', 'Snowflake', 'CSV'],
  },
  {
    categorySlug: 'sales-operations',
    kind: ProductKind.WORKFLOW,
    vendor: 'grace',
    subjects: [
      ['Lead Enrichment', 'adds company size, industry and tech stack to every new lead'],
      ['Lead Routing', 'assigns inbound leads to the right rep by territory, size and workload'],
      ['CRM Cleanup', 'merges duplicate contacts and companies and fixes their fields'],
      ['Meeting Follow-up', 'writes the follow-up email and CRM notes after every sales call'],
      ['Renewal Reminder', 'warns account managers about renewals at risk, with the reasons'],
      ['Proposal', 'drafts proposals from a call transcript and your pricing sheet'],
    ],
    forms: [
      ['Workflow', 'It never overwrites a field a person edited.'],
      ['Automation', "It logs every change it makes in the CRM's history."],
      ['Playbook', 'Your team can adjust each step without writing code.'],
      ['Pipeline', 'It processes new records within a minute of their arrival.'],
    ],
    tags: ['sales', 'crm', 'salesforce', 'hubspot', 'leads', 'email', 'automation'],
    closers: [
      'Works with Salesforce, HubSpot and Pipedrive.',
      'Comes with a dashboard of what it did this week.',
      "Respects your CRM's permissions.",
    ],
    requirements: ['A CRM account with admin rights'],
    compatibility: ['Salesforce', 'HubSpot', 'Pipedrive'],
  },
  {
    categorySlug: 'developer-tools',
    kind: ProductKind.TOOL,
    vendor: 'ada',
    subjects: [
      ['Prompt Testing', 'runs your prompts against a suite of test cases and compares model versions'],
      ['LLM Evaluation', 'scores model outputs for accuracy, tone and safety with configurable judges'],
      ['Token Counter', 'counts tokens and estimates the cost of prompts across providers'],
      ['Embedding', 'builds and updates vector embeddings of your documents'],
      ['API Mocking', 'records real model responses and replays them in tests'],
      ['Tracing', 'traces every model call, tool call and retry of your agents'],
    ],
    forms: [
      ['Toolkit', 'It ships as a library for TypeScript and Python.'],
      ['CLI', 'It is a single binary that runs locally and in CI.'],
      ['SDK', 'It adds two lines to your code and nothing to your latency.'],
      ['Plugin', 'It plugs into VS Code and JetBrains IDEs.'],
    ],
    tags: ['developer-tools', 'llm', 'prompts', 'testing', 'cli', 'sdk', 'observability'],
    closers: [
      'Open file formats: your data stays portable.',
      'Works with OpenAI, Anthropic, Mistral and local models.',
      'Documented with runnable examples.',
    ],
    requirements: ['Node.js 20 or Python 3.10 or later'],
    compatibility: ['OpenAI', 'Anthropic', 'Mistral', 'Local models', 'VS Code', 'JetBrains IDEs'],
  },
  {
    categorySlug: 'productivity',
    kind: ProductKind.TOOL,
    vendor: 'grace',
    subjects: [
      ['Meeting Notes', 'records, transcribes and summarises meetings with decisions and action items'],
      ['Email Triage', 'sorts your inbox into what needs you today, later, or never'],
      ['Calendar', 'finds meeting times across time zones and protects your focus time'],
      ['Document Summary', 'summarises long documents and answers questions about them'],
      ['Task Extraction', 'turns chat threads and emails into tasks in your task manager'],
      ['Writing', 'rewrites drafts for clarity and tone without changing what you meant'],
    ],
    forms: [
      ['Assistant', 'It works where you already are: your inbox, calendar and chat.'],
      ['Tool', 'It keeps everything on your machine unless you choose to sync.'],
      ['Extension', 'It runs in Chrome, Firefox and Edge.'],
      ['Helper', 'It learns your preferences from what you accept and reject.'],
    ],
    tags: ['productivity', 'notes', 'email', 'calendar', 'meetings', 'writing', 'slack'],
    closers: [
      'Integrates with Google Workspace, Microsoft 365 and Slack.',
      'Keyboard-first, with shortcuts for everything.',
      'Free updates for the life of the product.',
    ],
    requirements: ['A Google Workspace or Microsoft 365 account'],
    compatibility: ['Google Workspace', 'Microsoft 365', 'Slack', 'Chrome', 'Firefox', 'Edge'],
  },
  {
    categorySlug: 'security',
    kind: ProductKind.TOOL,
    vendor: 'ada',
    subjects: [
      ['PII Redaction', 'finds and masks names, emails, phone numbers and card numbers before text reaches a model'],
      ['Prompt Injection', 'detects prompt-injection attempts in user input and retrieved documents'],
      ['Audit Log', 'keeps a tamper-evident log of every model call with who asked what'],
      ['Access Policy', 'enforces which users and agents may call which tools'],
      ['Secret Scanning', 'finds API keys and passwords in prompts, logs and repositories'],
      ['Compliance Report', 'produces SOC 2 and GDPR evidence from your AI usage'],
    ],
    forms: [
      ['Guard', 'It runs in front of your model calls and adds about a millisecond.'],
      ['Scanner', 'It runs in CI and on a schedule, and fails the build on findings.'],
      ['Toolkit', 'It comes with policies you can extend in plain YAML.'],
      ['Gateway', 'It is a drop-in proxy for the OpenAI and Anthropic APIs.'],
    ],
    tags: ['security', 'compliance', 'privacy', 'gdpr', 'soc2', 'guardrails', 'audit'],
    closers: [
      'Self-hosted; nothing leaves your network.',
      'Findings include the exact location and a suggested fix.',
      'Reviewed by an independent security firm.',
    ],
    requirements: ['Docker or Kubernetes, to self-host it'],
    compatibility: ['OpenAI API', 'Anthropic API', 'SOC 2', 'GDPR'],
  },
];

const PRICES = [0, 499, 900, 1499, 1900, 2900, 4900, 7900, 9900, 14900, 19900, 29900, 49900];
/** Products of each line (sub-category); the first of each is featured by the seed. */
export const DEMO_PER_LINE = 23;

/** A stable UUID derived from the slug (version-5 layout), so re-seeding finds the same rows. */
export function demoProductId(slug: string): string {
  const hex = createHash('sha1').update(`marketplace-demo-product:${slug}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** 207 products: 23 per sub-category, every subject × form combination, interleaved. */
export function demoProducts(): DemoProduct[] {
  return LINES.flatMap((line, lineIndex) => {
    const combinations = line.subjects.flatMap((subject, s) =>
      line.forms.map((form, f) => ({ subject, form, n: s + f * line.subjects.length })),
    );
    combinations.sort((a, b) => a.n - b.n);
    return combinations.slice(0, DEMO_PER_LINE).map(({ subject: [prefix, does], form: [suffix, how] }, i) => {
      const name = `${prefix} ${suffix}`;
      const slug = slugify(name);
      const seed = lineIndex * 31 + i * 7;
      const tags = [
        line.tags[0],
        line.tags[1 + (i % (line.tags.length - 1))],
        line.tags[1 + ((i * 3 + 2) % (line.tags.length - 1))],
      ];
      return {
        id: demoProductId(slug),
        slug,
        name,
        description: `${article(suffix)} ${isAcronym(suffix) ? suffix : suffix.toLowerCase()} that ${does}. ${how} ${line.closers[i % line.closers.length]}`,
        kind: line.kind,
        categorySlug: line.categorySlug,
        vendor: line.vendor,
        priceAmount: PRICES[seed % PRICES.length],
        tags: [...new Set(tags)],
        requirements: line.requirements,
        compatibility: line.compatibility,
      };
    });
  });
}

function isAcronym(word: string): boolean {
  return word === word.toUpperCase();
}

/** "An agent", "A tool", "An SDK", "A CLI". */
function article(word: string): string {
  return (isAcronym(word) ? /^[AEFHILMNORSX]/ : /^[aeiou]/i).test(word) ? 'An' : 'A';
}
