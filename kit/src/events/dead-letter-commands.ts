import { Events } from '../contracts/event-catalog';
import { queryRows } from '../data/sql';
import { EventConsumer, EventHandler, ReplayResult, eventHandler } from './consumer';

/** Inbox names of the built-in handlers every subgraph's backbone registers. */
export const DEAD_LETTER_REPLAY_HANDLER = 'dead-letter-replay';
export const DEAD_LETTER_DISCARD_HANDLER = 'dead-letter-discard';

/**
 * The operator's commands about dead letters, as every subgraph answers them. Each command
 * names the owning subgraph; the others record it in their inbox and do nothing.
 *
 * A replay runs the failed handler once on the stored envelope through the inbox (see
 * `EventConsumer.replay`) and records `event.replayed` with the outcome in the same
 * transaction. A replay that fails again is an outcome (FAILED, the letter stays DEAD), not
 * a new dead letter: replays cannot breed dead letters.
 */
export function deadLetterCommandHandlers(subgraph: string, consumer: EventConsumer): EventHandler[] {
  const replay = eventHandler(
    DEAD_LETTER_REPLAY_HANDLER,
    Events.EventReplayRequested,
    async (event, { manager, emit, log }) => {
      const { deadLetterId } = event.payload;
      if (event.payload.subgraph !== subgraph) return;
      const [letter] = await queryRows<{ handler: string; body: string; status: string }>(
        manager,
        `SELECT handler, body, status FROM dead_letters WHERE letter_id = $1 FOR UPDATE`,
        [deadLetterId],
      );
      let result: ReplayResult;
      if (!letter) result = { outcome: 'FAILED', error: `${subgraph} holds no dead letter ${deadLetterId}` };
      else if (letter.status === 'DISCARDED') result = { outcome: 'FAILED', error: 'the dead letter was discarded' };
      else result = await consumer.replay(manager, letter.handler, letter.body);
      if (letter)
        await manager.query(
          `UPDATE dead_letters
              SET replays = replays + 1, last_replayed_at = now(),
                  status = CASE WHEN $2 THEN 'REPLAYED' ELSE status END,
                  error = coalesce($3, error)
            WHERE letter_id = $1`,
          [deadLetterId, result.outcome !== 'FAILED', result.error],
        );
      await emit(
        Events.EventReplayed,
        { subgraph, deadLetterId, outcome: result.outcome, error: result.error, replayedAt: new Date().toISOString() },
        deadLetterId,
      );
      log.info({ deadLetterId, outcome: result.outcome, error: result.error }, 'dead letter replayed');
    },
  );
  const discard = eventHandler(DEAD_LETTER_DISCARD_HANDLER, Events.EventDiscarded, async (event, { manager, log }) => {
    if (event.payload.subgraph !== subgraph) return;
    await manager.query(
      `UPDATE dead_letters SET status = 'DISCARDED', discarded_at = now(), discard_reason = $2
          WHERE letter_id = $1 AND status = 'DEAD'`,
      [event.payload.deadLetterId, event.payload.reason],
    );
    log.info({ deadLetterId: event.payload.deadLetterId }, 'dead letter discarded');
  });
  return [replay, discard];
}
