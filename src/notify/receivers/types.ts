import type { NotificationAlert, NotificationTemplates } from "../../template/index.js";

/** One notification for one aggregation group, as the dispatcher hands it to an integration. */
export interface NotifyContext {
  receiver: string;
  /** Alertmanager's group key string. */
  groupKey: string;
  groupLabels: Record<string, string>;
  /** Firing first, then resolved. Integrations drop resolved ones themselves when !sendResolved. */
  alerts: NotificationAlert[];
  /** reddot's URL, for links. */
  externalURL: string;
}

export type IntegrationKind =
  | "email"
  | "webhook"
  | "slack"
  | "pagerduty"
  | "alertmanager"
  | "unsupported";

export interface Integration {
  readonly receiver: string;
  readonly kind: IntegrationKind;
  /** Position within its kind's list in the receiver. */
  readonly index: number;
  /** `${kind}[${index}]`, used in nflog and logs. */
  readonly id: string;
  readonly sendResolved: boolean;
  /** Sends one notification; throws NotifyError. Drops resolved alerts itself when !sendResolved; when nothing is left, returns without sending. */
  send(ctx: NotifyContext, signal: AbortSignal): Promise<void>;
}

/** A failed notification. The message never holds a secret (URL token, routing key, password). */
export class NotifyError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = "NotifyError";
  }
}

export interface BuildDeps {
  templates: NotificationTemplates;
  /** `*_file` paths are relative to it. */
  configDir: string;
  fetchImpl?: typeof fetch;
  /** Current time in ms, for templates and forwarded alerts; defaults to Date.now. */
  now?: () => number;
}

/** One send attempt, for the attempts log. */
export interface AttemptRecord {
  attempt: number;
  ok: boolean;
  error?: string;
  durationMs: number;
  retryable: boolean;
}
