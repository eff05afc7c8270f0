import { Injectable } from '@nestjs/common';

/**
 * The time as scheduled jobs see it: injected, so a test can move it (jest.spyOn(clock,
 * 'now') on the provider a worker context holds) and see what a job would do days later.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
