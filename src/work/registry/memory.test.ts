import { workerRegistryContract } from './contract.ts';
import { createMemoryWorkerRegistry } from './memory.ts';

workerRegistryContract('memory', async (o) => ({ registry: createMemoryWorkerRegistry(o), cleanup: async () => {} }), { shared: false });
