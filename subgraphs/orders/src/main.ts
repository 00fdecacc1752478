import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { ordersSubgraph } from './index';

void runUntilSignal('orders', () => startSubgraph(ordersSubgraph));
