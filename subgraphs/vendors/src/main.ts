import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { vendorSubgraph } from './index';

void runUntilSignal('vendor', () => startSubgraph(vendorSubgraph));
