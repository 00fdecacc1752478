import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import type { Logger } from '../logger';

type Work = () => Promise<void>;

/**
 * Work that must run only once a transaction committed (cache invalidation), registered
 * from inside it: a DataSource subscriber runs it after the outermost COMMIT, drops it on
 * ROLLBACK. Outside a transaction the work runs at once.
 */
export class AfterCommit implements EntitySubscriberInterface {
  private readonly pending = new WeakMap<QueryRunner, Work[]>();

  constructor(
    db: DataSource,
    private readonly log: Logger,
  ) {
    db.subscribers.push(this);
  }

  run(manager: EntityManager, work: Work): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      void this.safely(work);
      return;
    }
    this.pending.set(runner, [...(this.pending.get(runner) ?? []), work]);
  }

  async afterTransactionCommit({ queryRunner }: TransactionCommitEvent): Promise<void> {
    if (queryRunner.isTransactionActive) return; // a savepoint was released; the transaction goes on
    const works = this.pending.get(queryRunner) ?? [];
    this.pending.delete(queryRunner);
    await Promise.all(works.map((work) => this.safely(work)));
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
  }

  private async safely(work: Work): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.warn({ err: error }, 'after-commit work failed');
    }
  }
}
