import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { catalogSubgraph } from './index';

void runUntilSignal('catalog', () => startSubgraph(catalogSubgraph));
