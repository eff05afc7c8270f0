import { BadRequestException, ForbiddenException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ConflictProblem, ValidationProblem } from './domain.exception';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('maps a domain exception with its code and fields', () => {
    const p = toProblem(new ValidationProblem([{ field: 'email', message: 'must be an email' }]), 'cid');
    expect(p).toMatchObject({ status: 400, code: 'validation_failed', errors: [{ field: 'email' }], correlationId: 'cid' });
  });

  it('keeps conflict codes', () => {
    expect(toProblem(new ConflictProblem('stale_version', 'Stale.'), 'c')).toMatchObject({ status: 409, code: 'stale_version' });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toProblem(new ForbiddenException(), 'c')).toMatchObject({ status: 403, code: 'forbidden' });
    expect(toProblem(new BadRequestException('Bad'), 'c')).toMatchObject({ status: 400 });
    expect(toProblem(new ThrottlerException(), 'c')).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('never echoes the path of an unknown route', () => {
    const p = toProblem(new NotFoundException('Cannot GET /cases/Jane-Doe'), 'c');
    expect(JSON.stringify(p)).not.toContain('Jane');
  });

  it('maps body-parser errors to 413 and 400', () => {
    expect(toProblem({ type: 'entity.too.large', status: 413 }, 'c')).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(toProblem({ type: 'entity.parse.failed', status: 400 }, 'c')).toMatchObject({ status: 400, errors: [{ field: 'body' }] });
  });

  it('answers an upload the client cut off as a 400, not an internal error', () => {
    expect(toProblem(new Error('Request aborted'), 'c1')).toMatchObject({ status: 400, code: 'request_aborted' });
    expect(toProblem(new Error('Request closed'), 'c1')).toMatchObject({ status: 400, code: 'request_aborted' });
    expect(toProblem(new Error('Request aborted by the database'), 'c1')).toMatchObject({ status: 500 });
  });

  it('gives a 500 nothing but a correlation id and a fixed sentence', () => {
    const secret = 'survivor Amina lives at 12 Rue X';
    for (const e of [new Error(secret), new InternalServerErrorException(secret), { message: secret }]) {
      const p = toProblem(e, 'cid-1');
      expect(p.status).toBe(500);
      expect(p.correlationId).toBe('cid-1');
      expect(JSON.stringify(p)).not.toContain('Amina');
    }
  });
});
