import { createLogger } from '@marketplace/kit';
import { TestSubgraph } from '@marketplace/kit/testing';
import { startCatalog } from '../testing';
import { AfterCommit } from './after-commit';

/** Cache invalidation must follow the commit: never before it, never after a rollback. */
let catalog: TestSubgraph;
let afterCommit: AfterCommit;
beforeAll(async () => {
  catalog = await startCatalog();
  afterCommit = new AfterCommit(catalog.subgraph.deps.db, createLogger({ name: 'test', level: 'silent' }));
});
afterAll(() => catalog.close());

const db = () => catalog.subgraph.deps.db;

it('runs registered work after the transaction commits, not before', async () => {
  const ran: string[] = [];
  await db().transaction(async (manager) => {
    afterCommit.run(manager, async () => void ran.push('a'));
    afterCommit.run(manager, async () => void ran.push('b'));
    await manager.query('SELECT 1');
    expect(ran).toEqual([]);
  });
  expect(ran).toEqual(['a', 'b']);
});

it('drops the work when the transaction rolls back', async () => {
  const ran: string[] = [];
  await expect(
    db().transaction(async (manager) => {
      afterCommit.run(manager, async () => void ran.push('never'));
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await db().transaction(async (manager) => manager.query('SELECT 1'));
  expect(ran).toEqual([]);
});

it('waits for the outermost commit when savepoints are released', async () => {
  const ran: string[] = [];
  await db().transaction(async (manager) => {
    await manager.transaction(async (inner) => {
      afterCommit.run(inner, async () => void ran.push('inner'));
    });
    expect(ran).toEqual([]);
  });
  expect(ran).toEqual(['inner']);
});

it('runs at once outside a transaction, and survives failing work', async () => {
  const ran: string[] = [];
  afterCommit.run(db().manager, async () => void ran.push('now'));
  await db().transaction(async (manager) => afterCommit.run(manager, async () => Promise.reject(new Error('boom'))));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ran).toEqual(['now']);
});
