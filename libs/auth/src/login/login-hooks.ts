import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Role } from '@amani/auth';

/** A successful password login, as login hooks see it. The password is only ever in memory. */
export interface PasswordLoginEvent {
  userId: string;
  role: Role;
  agencyId: string | null;
  sessionId: string;
  password: string;
  requestId: string | null;
}

/**
 * Runs inside the login transaction, after the password was verified and the session
 * started. May return values for the client only (e.g. a session key), returned once in the
 * login response under `sessionSecrets`; they must not be stored server-side.
 */
export interface LoginHook {
  readonly name: string;
  afterPasswordLogin(event: PasswordLoginEvent, em: EntityManager): Promise<string | undefined>;
}

/** Features register here (e.g. SEA unlocks a focal point's private key with the password). */
@Injectable()
export class LoginHooks {
  private readonly hooks: LoginHook[] = [];

  register(hook: LoginHook): void {
    if (!this.hooks.some((h) => h.name === hook.name)) this.hooks.push(hook);
  }

  async run(event: PasswordLoginEvent, em: EntityManager): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const hook of this.hooks) {
      const value = await hook.afterPasswordLogin(event, em);
      if (value !== undefined) out[hook.name] = value;
    }
    return out;
  }
}
