import { queryRows } from '@marketplace/kit';
import type { EntityManager } from 'typeorm';

export interface OrderLine {
  productId: string;
  name: string;
  unitPrice: { amount: number; currency: string };
}

export interface OrderRecipient {
  orderId: string;
  userId: string;
  number: string;
  vendorIds: string[];
  items: OrderLine[];
}

/** Where a user's mail goes, and the name it greets them by. */
export interface Contact {
  email: string;
  displayName: string;
}

/**
 * Who a notification goes to, from the replicas the events keep here (never another
 * subgraph's tables): users with their role, vendors' users, orders' customers and vendors.
 */
export class RecipientService {
  /** Every admin who may act now (not suspended). */
  async admins(manager: EntityManager): Promise<string[]> {
    const rows = await queryRows<{ user_id: string }>(
      manager,
      `SELECT user_id FROM recipients WHERE role = 'ADMIN' AND NOT suspended ORDER BY user_id`,
      [],
    );
    return rows.map((row) => row.user_id);
  }

  async findOrder(manager: EntityManager, orderId: string): Promise<OrderRecipient | null> {
    const [row] = await queryRows<{
      order_id: string;
      user_id: string;
      number: string;
      vendor_ids: string[];
      items: OrderLine[];
    }>(manager, `SELECT order_id, user_id, number, vendor_ids, items FROM order_recipients WHERE order_id = $1`, [
      orderId,
    ]);
    return row
      ? { orderId: row.order_id, userId: row.user_id, number: row.number, vendorIds: row.vendor_ids, items: row.items }
      : null;
  }

  /**
   * The order a payment event names. Unknown yet (its `order.created` not handled here yet):
   * throws, so the kit retries the event with back-off until it is.
   */
  async order(manager: EntityManager, orderId: string): Promise<OrderRecipient> {
    const order = await this.findOrder(manager, orderId);
    if (!order) throw new Error(`order ${orderId} is not known here yet`);
    return order;
  }

  /** The vendors known here among `vendorIds`, with their users. */
  async vendors(manager: EntityManager, vendorIds: string[]): Promise<{ vendorId: string; userId: string }[]> {
    const rows = await queryRows<{ vendor_id: string; user_id: string }>(
      manager,
      `SELECT vendor_id, user_id FROM vendor_accounts WHERE vendor_id = ANY($1::uuid[]) ORDER BY vendor_id`,
      [vendorIds],
    );
    return rows.map((row) => ({ vendorId: row.vendor_id, userId: row.user_id }));
  }

  /** The user's address and name; null for a user not known here (or erased). */
  async contact(manager: EntityManager, userId: string): Promise<Contact | null> {
    const [row] = await queryRows<Contact>(
      manager,
      `SELECT email, display_name AS "displayName" FROM recipients WHERE user_id = $1`,
      [userId],
    );
    return row ?? null;
  }

  /** A vendor's name as it applied or last renamed itself; null when not heard of. */
  async vendorName(manager: EntityManager, vendorId: string): Promise<string | null> {
    const [row] = await queryRows<{ display_name: string }>(
      manager,
      `SELECT display_name FROM vendor_accounts WHERE vendor_id = $1`,
      [vendorId],
    );
    return row?.display_name ?? null;
  }
}
