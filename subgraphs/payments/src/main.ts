import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { paymentsSubgraph } from './index';

void runUntilSignal('payments', () => startSubgraph(paymentsSubgraph));
