import type { DataSource } from 'typeorm';
import { createLogger } from '../logger';
import { TestDatabase, createTestDatabase } from '../testing';
import { AfterCommit } from './after-commit';
import { openDatabase } from './database';

/** Cache invalidation must follow the commit: never before it, never after a rollback. */
const log = createLogger({ name: 'test', level: 'silent' });
let database: TestDatabase;
let dataSource: DataSource;
let afterCommit: AfterCommit;
beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = await openDatabase({ url: database.url, schema: 'after_commit', entities: [], migrations: [], log });
  afterCommit = new AfterCommit(dataSource, log);
});
afterAll(async () => {
  await dataSource.destroy();
  await database.drop();
});

const db = () => dataSource;

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
