import { z } from 'zod';
import { defineEvent } from './envelope';

/**
 * The event catalog: every event of the marketplace, its routing key, version and payload.
 * Producers validate on publish, consumers on receipt. A breaking payload change is a new
 * version, never an edit of an existing one.
 */
export const Events = {
  /** A customer account was created (users). */
  UserRegistered: defineEvent(
    'user.registered',
    1,
    z.object({
      userId: z.string().uuid(),
      email: z.string().email(),
      displayName: z.string().min(1),
      role: z.enum(['CUSTOMER', 'VENDOR', 'ADMIN']),
    }),
  ),
} as const;

export type EventName = keyof typeof Events;
