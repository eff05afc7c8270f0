/** Sends the browser elsewhere with 303 (post/redirect/get); thrown by guards and controllers. */
export class RedirectTo extends Error {
  constructor(readonly location: string) {
    super('redirect');
  }
}

/** A form post that failed the CSRF or Origin check. */
export class RequestRefused extends Error {
  constructor() {
    super('refused');
  }
}

/** The role may not use this page. */
export class PageForbidden extends Error {
  constructor() {
    super('forbidden');
  }
}

/** Nothing to show: the same page for an id that does not exist and one the user may not see. */
export class PageNotFound extends Error {
  constructor() {
    super('not found');
  }
}
