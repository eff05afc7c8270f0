import { toProblem } from './problem.filter';
import { isDependencyUnavailable } from './unavailable';

describe('isDependencyUnavailable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a server starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a broken connection (08006)', Object.assign(new Error('x'), { code: '08006' })],
    ['a statement timeout (57014)', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['a connection ended mid-query', new Error('Connection terminated unexpectedly')],
    ['a transaction whose connection was lost (TypeORM released its runner)', Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' })],
    ['a driver error wrapped by TypeORM', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '57P01' }) })],
  ])('recognises %s', (_what, e) => {
    expect(isDependencyUnavailable(e)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax'), { code: '42601' })],
    ['a programming error', new TypeError('x is undefined')],
    ['a non-error', 'oops'],
  ])('does not take %s for an outage', (_what, e) => {
    expect(isDependencyUnavailable(e)).toBe(false);
  });

  it('turns an outage into 503 problem+json, and anything else unknown into a bare 500', () => {
    expect(toProblem(new Error('timeout exceeded when trying to connect'), 'c1')).toMatchObject({ status: 503, code: 'service_unavailable', correlationId: 'c1' });
    expect(toProblem(new Error('boom'), 'c2')).toMatchObject({ status: 500 });
  });
});
