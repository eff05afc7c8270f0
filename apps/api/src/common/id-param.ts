import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ValidationProblem } from '@amani/http';

/** A path id that must be a UUID; anything else is a 400 naming the parameter (never a 500 or 404). */
export const IdParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ValidationProblem([{ field: name, message: 'must be a UUID' }]),
    }),
  );
