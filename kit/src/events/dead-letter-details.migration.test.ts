import { randomUUID } from 'node:crypto';
import { Events } from '../contracts/event-catalog';
import { openDatabase } from '../data/database';
import { queryRows } from '../data/sql';
import { createLogger } from '../logger';
import { createTestDatabase } from '../testing';
import { AddDeadLetterDetails1800600000000 } from './dead-letter-details.migration';
import { Envelope, parseEnvelope } from './envelope';
import { CreateEventTables1763700000000 } from './event-tables.migration';

describe('the dead-letter details migration', () => {
  it('keeps the older rows, fills in their handler and event, and reports each to the operator', async () => {
    const database = await createTestDatabase();
    const options = {
      url: database.url,
      schema: 'legacy',
      entities: [],
      log: createLogger({ name: 'test', level: 'silent' }),
    };
    try {
      const before = await openDatabase({ ...options, migrations: [CreateEventTables1763700000000] });
      const eventId = randomUUID();
      const body = JSON.stringify({ id: eventId, type: 'order.paid', payload: {} });
      await before.query(
        `INSERT INTO dead_letters (queue, routing_key, body, error, attempts) VALUES
           ('legacy', 'order.paid', $1, 'issue-licenses: product unknown', 5),
           ('legacy', 'order.paid', 'not json', 'issue-licenses: event is not JSON', 1),
           ('legacy', 'event.dead_lettered', '{}', 'store: down', 5)`,
        [body],
      );
      await before.destroy();
      const after = await openDatabase({
        ...options,
        migrations: [CreateEventTables1763700000000, AddDeadLetterDetails1800600000000],
      });
      try {
        const rows = await queryRows<{ letter_id: string; handler: string; event_id: string | null; status: string }>(
          after,
          'SELECT letter_id, handler, event_id, status FROM dead_letters ORDER BY id',
        );
        expect(rows.map(({ handler, event_id, status }) => [handler, event_id, status])).toEqual([
          ['issue-licenses', eventId, 'DEAD'],
          ['issue-licenses', null, 'DEAD'],
          ['store', null, 'DEAD'],
        ]);
        const reports = await queryRows<{ envelope: Envelope }>(
          after,
          `SELECT envelope FROM outbox WHERE type = 'event.dead_lettered' ORDER BY position`,
        );
        // The registry's own failure is not reported (as at run time); the others parse as the catalog says.
        expect(reports).toHaveLength(2);
        const parsed = reports.map((report) =>
          parseEnvelope(JSON.stringify(report.envelope), Events.EventDeadLettered),
        );
        expect(parsed[0]).toMatchObject({
          source: 'legacy',
          aggregateId: rows[0].letter_id,
          payload: {
            deadLetterId: rows[0].letter_id,
            subgraph: 'legacy',
            handler: 'issue-licenses',
            eventType: 'order.paid',
            eventId,
            envelope: body,
            lastError: 'product unknown',
            attempts: 5,
          },
        });
        expect(parsed[1].payload).toMatchObject({
          eventId: null,
          envelope: 'not json',
          lastError: 'event is not JSON',
        });
      } finally {
        await after.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
