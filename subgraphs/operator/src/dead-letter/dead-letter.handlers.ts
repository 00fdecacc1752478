import { Events, eventHandler } from '@marketplace/kit';
import type { DeadLetterService } from './dead-letter.service';

/**
 * Every subgraph's dead-letter reports and replay outcomes, into the registry. Should one of
 * these fail for good, the kit does not report it again: its own report would come back here.
 */
export const deadLetterHandlers = (deadLetters: DeadLetterService) => [
  eventHandler('register-dead-letter', Events.EventDeadLettered, async (event, { manager, log }) => {
    const stored = await deadLetters.register(manager, event);
    if (!stored) log.info({ deadLetterId: event.payload.deadLetterId }, 'dead letter already registered');
  }),
  eventHandler('record-replay-outcome', Events.EventReplayed, async (event, { manager, log }) => {
    const recorded = await deadLetters.recordOutcome(manager, event.payload);
    if (!recorded) log.warn({ deadLetterId: event.payload.deadLetterId }, 'replay outcome nobody waited for; ignored');
  }),
];
