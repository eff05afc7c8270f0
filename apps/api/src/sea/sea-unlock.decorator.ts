import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

export const SEA_UNLOCK_HEADER = 'x-sea-unlock';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session key of the caller's unlocked complaint key (from `sessionSecrets.sea` at login), if sent. */
export const SeaUnlock = createParamDecorator((_data: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers[SEA_UNLOCK_HEADER];
  return typeof value === 'string' && TOKEN.test(value) ? value : undefined;
});

export const ApiSeaUnlock = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-Sea-Unlock',
      required: false,
      description: 'The `sessionSecrets.sea` value returned at login (or by key setup/recovery). Without it complaint content stays locked (423).',
    }),
  );
