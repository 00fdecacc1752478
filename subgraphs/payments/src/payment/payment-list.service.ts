import { ConnectionShape, PageFields, newestFirstPage } from '@marketplace/kit';
import type { DataSource } from 'typeorm';
import type { PaymentFilter } from './payment.args';
import { PAYMENT_COLUMNS, Payment, toPayment } from './payment.type';

/** Every customer's payments for admins (`payments(filter)`), newest first. */
export class PaymentListService {
  constructor(private readonly db: DataSource) {}

  list(filter: PaymentFilter | null | undefined, page: PageFields): Promise<ConnectionShape<Payment>> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter?.disputed !== undefined && filter.disputed !== null) {
      parameters.push(filter.disputed);
      conditions.push(`p.disputed = $${parameters.length}`);
    }
    if (filter?.status) {
      parameters.push(filter.status);
      conditions.push(`p.status = $${parameters.length}`);
    }
    return newestFirstPage(
      this.db,
      {
        columns: PAYMENT_COLUMNS,
        from: 'payments p JOIN orders o ON o.id = p.order_id',
        where: conditions.length ? conditions.join(' AND ') : 'true',
        parameters,
        orderBy: ['p.created_at', 'p.id'],
      },
      page,
      toPayment,
      (payment) => payment.createdAt,
    );
  }
}
