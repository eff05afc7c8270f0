import type { INestApplication } from '@nestjs/common';

export interface RouteInfo {
  method: string;
  path: string;
  /** "GET /users/:id" */
  key: string;
}

/** Every route registered on the HTTP server (controllers and the OpenAPI pages). */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const out: RouteInfo[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (!on || method === '_all') continue;
      const m = method.toUpperCase();
      out.push({ method: m, path: layer.route.path, key: `${m} ${layer.route.path}` });
    }
  }
  return out;
}

/** A concrete URL for a route pattern: every :param becomes a random UUID. */
export function concretePath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? '5d1f9a2e-8c4b-4e61-9f3a-2b7c0d9e1a44');
}
