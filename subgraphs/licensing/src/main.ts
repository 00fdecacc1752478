import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { licensingSubgraph } from './index';

void runUntilSignal('licensing', () => startSubgraph(licensingSubgraph));
