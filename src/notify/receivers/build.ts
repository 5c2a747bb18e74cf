import type { ReceiverConfig } from "../../config/index.js";
import { alertmanagerIntegration } from "./alertmanager.js";
import { emailIntegration } from "./email.js";
import { pagerdutyIntegration } from "./pagerduty.js";
import { slackIntegration } from "./slack.js";
import { type BuildDeps, type Integration, NotifyError } from "./types.js";
import { webhookIntegration } from "./webhook.js";

/** Any failure leaves send() as a NotifyError: template errors and the like are not retried. */
function guarded(i: Integration): Integration {
  return {
    receiver: i.receiver,
    kind: i.kind,
    index: i.index,
    id: i.id,
    sendResolved: i.sendResolved,
    async send(ctx, signal) {
      try {
        await i.send(ctx, signal);
      } catch (e) {
        if (e instanceof NotifyError) throw e;
        throw new NotifyError(`${i.kind}: ${e instanceof Error ? e.message : String(e)}`, false);
      }
    },
  };
}

function unsupported(receiver: string, integration: string, index: number): Integration {
  // As config's unsupportedIntegrationMessage; not imported, as config imports notify (a cycle).
  const message = `integration ${integration.replace(/_configs$/, "")} is not supported by reddot`;
  return {
    receiver,
    kind: "unsupported",
    index,
    id: `${integration.replace(/_configs$/, "")}[${index}]`,
    sendResolved: false,
    async send() {
      throw new NotifyError(message, false);
    },
  };
}

/**
 * The integrations of one receiver, in Alertmanager's order
 * (buildReceiverIntegrations: webhook, email, pagerduty, ..., slack), then
 * reddot's alertmanager forwarding, then the unsupported ones.
 */
export function buildIntegrations(receiver: ReceiverConfig, deps: BuildDeps): Integration[] {
  const r = receiver.name;
  const out: Integration[] = [
    ...receiver.webhook.map((c, i) => webhookIntegration(r, i, c, deps)),
    ...receiver.email.map((c, i) => emailIntegration(r, i, c, deps)),
    ...receiver.pagerduty.map((c, i) => pagerdutyIntegration(r, i, c, deps)),
    ...receiver.slack.map((c, i) => slackIntegration(r, i, c, deps)),
    ...receiver.alertmanager.map((c, i) => alertmanagerIntegration(r, i, c, deps)),
  ].map(guarded);
  for (const u of receiver.unsupported) {
    for (let i = 0; i < u.count; i++) out.push(unsupported(r, u.integration, i));
  }
  return out;
}
