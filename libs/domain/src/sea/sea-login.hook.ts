import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LoginHook, LoginHooks, PasswordLoginEvent } from '@amani/auth';
import { SeaKeysService } from './sea-keys.service';

/** At a focal point's password login, unlocks their complaint key for that session (`sessionSecrets.sea`). */
@Injectable()
export class SeaLoginHook implements LoginHook, OnModuleInit {
  readonly name = 'sea';

  constructor(
    private readonly hooks: LoginHooks,
    private readonly keys: SeaKeysService,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  afterPasswordLogin(event: PasswordLoginEvent, em: EntityManager): Promise<string | undefined> {
    return this.keys.unlockAtLogin(event, em);
  }
}
