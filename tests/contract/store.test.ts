import { createTempStore } from '../support/temp-store.ts';
import { describeStoreContract } from './store.contract.ts';

describeStoreContract('SQLite file', () => createTempStore());
