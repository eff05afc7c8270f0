import { Global, Module } from '@nestjs/common';
import { KeyCustody } from './key-custody';
import { Keyring } from './keyring';

/**
 * The Keyring and its primitives, for every process that touches sealed records: the API and
 * console (through AuthModule) and the worker (retention erasure). In the worker no request
 * ever presents an unlock, so it can seal to an agency but never open anything.
 */
@Global()
@Module({
  providers: [KeyCustody, Keyring],
  exports: [KeyCustody, Keyring],
})
export class KeyringModule {}
