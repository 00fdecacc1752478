import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { billingSubgraph } from './index';

void runUntilSignal('billing', () => startSubgraph(billingSubgraph));
