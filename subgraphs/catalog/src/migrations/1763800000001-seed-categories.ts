import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The category tree is reference data every run mode needs (a product must have a
 * category), so a migration creates it rather than the demo seed. Later changes to the
 * tree are new migrations; this list is frozen.
 */
const TREE = [
  {
    id: '00000000-0000-4000-8000-0000000c0001',
    slug: 'agents',
    name: 'Agents',
    description:
      'AI agents that take a goal and work towards it on their own: answering customers, writing code, researching.',
    children: [
      {
        id: '00000000-0000-4000-8000-0000000c0101',
        slug: 'customer-support',
        name: 'Customer support',
        description: 'Agents that answer tickets, chats and emails, and hand over to a human when they should.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0102',
        slug: 'coding',
        name: 'Coding',
        description: 'Agents that write, review, test and migrate code.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0103',
        slug: 'research',
        name: 'Research',
        description: 'Agents that search, read, compare and summarise sources.',
      },
    ],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0002',
    slug: 'workflows',
    name: 'Workflows',
    description:
      'Ready-made multi-step automations you connect to your own accounts and run on a schedule or a trigger.',
    children: [
      {
        id: '00000000-0000-4000-8000-0000000c0201',
        slug: 'marketing',
        name: 'Marketing',
        description: 'Campaigns, content calendars, social posting and reporting.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0202',
        slug: 'data-pipelines',
        name: 'Data pipelines',
        description: 'Extract, clean, enrich and load data between your systems.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0203',
        slug: 'sales-operations',
        name: 'Sales operations',
        description: 'Lead routing, enrichment, CRM hygiene and follow-ups.',
      },
    ],
  },
  {
    id: '00000000-0000-4000-8000-0000000c0003',
    slug: 'tools',
    name: 'Tools',
    description: 'Single-purpose building blocks for people who build with AI: connectors, evaluators, prompt tooling.',
    children: [
      {
        id: '00000000-0000-4000-8000-0000000c0301',
        slug: 'developer-tools',
        name: 'Developer tools',
        description: 'SDKs, CLIs, evaluators and debuggers for AI applications.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0302',
        slug: 'productivity',
        name: 'Productivity',
        description: 'Tools for notes, meetings, email and documents.',
      },
      {
        id: '00000000-0000-4000-8000-0000000c0303',
        slug: 'security',
        name: 'Security & compliance',
        description: 'Guardrails, redaction, audit trails and policy checks.',
      },
    ],
  },
];

export class SeedCategories1763800000001 implements MigrationInterface {
  name = 'SeedCategories1763800000001';

  async up(db: QueryRunner): Promise<void> {
    const rows = TREE.flatMap((root, rootPosition) => [
      {
        id: root.id,
        slug: root.slug,
        name: root.name,
        description: root.description,
        parentId: null,
        position: rootPosition,
      },
      ...root.children.map((child, position) => ({ ...child, parentId: root.id, position })),
    ]);
    await db.query(
      `INSERT INTO categories (id, slug, name, description, parent_id, position)
       SELECT id, slug, name, description, "parentId", position
       FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, slug text, name text, description text, "parentId" uuid, position int)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM categories WHERE parent_id IS NOT NULL`);
    await db.query(`DELETE FROM categories`);
  }
}
