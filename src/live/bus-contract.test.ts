import { liveBusContract } from './contract.ts';
import { createMemoryBus } from './bus.ts';

liveBusContract('memory', async () => {
  const bus = createMemoryBus();
  return { bus, cleanup: () => bus.close() };
});
