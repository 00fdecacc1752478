import {
  AGGREGATE_COST,
  AssumedListSize,
  ConnectionShape,
  Cost,
  ListSize,
  PageArgs,
  PagedList,
  RequestContext,
  ApiKeyScope,
  ApiKeyScoped,
} from '@marketplace/kit';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Order, Product } from '../entity-stubs';
import { PayoutService } from '../payout/payout.service';
import { Payout } from '../payout/payout.type';
import { Vendor } from '../vendor-account/vendor.entity';
import { VendorService } from '../vendor-account/vendor.service';
import { CurrencyArgs, PeriodArgs } from './ledger.args';
import { LedgerStatsService } from './ledger-stats.service';
import { LedgerService } from './ledger.service';
import {
  LedgerEntry,
  LedgerEntryConnection,
  TopProduct,
  VendorBalance,
  VendorEarnings,
  VendorStats,
} from './ledger.type';

const PRIVATE = "visible to the vendor's owner and admins, null (without an error) for everyone else";
const PRIVATE_LIST = "for the vendor's owner and admins (anyone else: null with FORBIDDEN)";

/** What the ledger adds to `Vendor`: money fields, private like the vendor's reasons. */
@Resolver(() => Vendor)
export class VendorLedgerResolver {
  constructor(
    private readonly ledgerService: LedgerService,
    private readonly ledgerStats: LedgerStatsService,
    private readonly vendors: VendorService,
  ) {}

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @FieldResolver(() => VendorBalance, {
    nullable: true,
    description: `Available and pending money in one currency (the vendor's primary one by default); ${PRIVATE}.`,
  })
  balance(
    @Root() vendor: Vendor,
    @Args() { currency }: CurrencyArgs,
    @Ctx() context: RequestContext,
  ): Promise<VendorBalance> | null {
    return this.vendors.canSeePrivateFields(context, vendor)
      ? this.ledgerService.balance(context, vendor.id, currency)
      : null;
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @ListSize(AssumedListSize.currencies)
  @FieldResolver(() => [VendorBalance], {
    nullable: true,
    description: `Available and pending money in every currency the vendor has entries in, primary currency first; ${PRIVATE_LIST}.`,
  })
  balances(@Root() vendor: Vendor, @Ctx() context: RequestContext): Promise<VendorBalance[]> {
    this.vendors.requirePrivateAccess(context, vendor, 'balances');
    return this.ledgerService.balancesOf(context).load(vendor.id);
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @Cost(AGGREGATE_COST)
  @FieldResolver(() => VendorEarnings, {
    nullable: true,
    description: `Gross sales, commission, refunds and net earnings over a period; ${PRIVATE}.`,
  })
  earnings(
    @Root() vendor: Vendor,
    @Args() { period, currency }: PeriodArgs,
    @Ctx() context: RequestContext,
  ): Promise<VendorEarnings> | null {
    return this.vendors.canSeePrivateFields(context, vendor)
      ? this.ledgerStats.earnings(context, vendor.id, period, currency)
      : null;
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @Cost(AGGREGATE_COST)
  @FieldResolver(() => VendorStats, {
    nullable: true,
    description: `Sales, gross takings and top products over a period; ${PRIVATE}.`,
  })
  stats(
    @Root() vendor: Vendor,
    @Args() { period, currency }: PeriodArgs,
    @Ctx() context: RequestContext,
  ): Promise<VendorStats> | null {
    return this.vendors.canSeePrivateFields(context, vendor)
      ? this.ledgerStats.stats(context, vendor.id, period, currency)
      : null;
  }

  @ApiKeyScoped(ApiKeyScope.SALES_READ)
  @PagedList()
  @FieldResolver(() => LedgerEntryConnection, {
    nullable: true,
    description: `Every movement of the vendor's money, newest first, each pointing at its order line or payout; ${PRIVATE_LIST}.`,
  })
  ledger(
    @Root() vendor: Vendor,
    @Args() page: PageArgs,
    @Ctx() context: RequestContext,
  ): Promise<ConnectionShape<LedgerEntry>> {
    this.vendors.requirePrivateAccess(context, vendor, 'ledger');
    return this.ledgerService.ledger(vendor.id, page);
  }
}

@Resolver(() => LedgerEntry)
export class LedgerEntryResolver {
  constructor(private readonly payoutService: PayoutService) {}

  @FieldResolver(() => Order, {
    nullable: true,
    description: 'The order this movement belongs to (sales, commissions, refunds); null for payout movements.',
  })
  order(@Root() entry: LedgerEntry): Order | null {
    return entry.orderId ? Order.of(entry.orderId) : null;
  }

  @FieldResolver(() => Product, {
    nullable: true,
    description: 'The product of the order line; null for payout movements.',
  })
  product(@Root() entry: LedgerEntry): Product | null {
    return entry.productId ? Product.of(entry.productId) : null;
  }

  @FieldResolver(() => Payout, {
    nullable: true,
    description: 'The payout this movement belongs to (payouts and their reversals); null for order movements.',
  })
  payout(@Root() entry: LedgerEntry, @Ctx() context: RequestContext): Promise<Payout | null> | null {
    return entry.payoutId ? this.payoutService.byId(context).load(entry.payoutId) : null;
  }
}

@Resolver(() => TopProduct)
export class TopProductResolver {
  @FieldResolver(() => Product, { description: 'The product.' })
  product(@Root() top: TopProduct): Product {
    return Product.of(top.productId);
  }
}
