import { MasterKeyVersion } from './master-key-version.entity';

export const KEYS_ENTITIES: Function[] = [MasterKeyVersion];
