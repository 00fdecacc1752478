import '@marketplace/kit/tracing';
import { runUntilSignal, startSubgraph } from '@marketplace/kit';
import { operatorSubgraph } from './index';

void runUntilSignal('operator', () => startSubgraph(operatorSubgraph));
