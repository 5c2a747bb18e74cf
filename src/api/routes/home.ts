import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../server.js";

/**
 * GET /: until the web UI lands, a plain page that says the server runs and
 * links what there is to look at.
 */
export function registerHomeRoute(app: FastifyInstance, deps: ApiDeps): void {
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reddot</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto">
<h1>reddot ${escapeHtml(deps.buildInfo.version)}</h1>
<p>The server is running. The web UI is not built yet; meanwhile:</p>
<ul>
<li><a href="/api/v1/targets">/api/v1/targets</a>: what is scraped, and whether it is up</li>
<li><a href="/api/v1/label/__name__/values">/api/v1/label/__name__/values</a>: every metric name stored</li>
<li><a href="/api/v1/series?match[]=up">/api/v1/series?match[]=up</a>: the series of one metric</li>
<li><a href="/api/v1/export?match[]=up">/api/v1/export?match[]=up</a>: raw samples</li>
<li><a href="/metrics">/metrics</a>: reddot's own metrics</li>
</ul>
<p>Point Prometheus's <code>remote_write</code> at <code>/api/v1/write</code> to store its samples here.</p>
</body></html>
`;
  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(page));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
