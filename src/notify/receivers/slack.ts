import type { SlackConfig } from "../../config/index.js";
import { integration, notificationData, truncateRunes } from "./data.js";
import { postJSON, scrub, urlParts } from "./http.js";
import { httpAuth } from "./http-config.js";
import { secretValue } from "./secrets.js";
import { type BuildDeps, type Integration, NotifyError } from "./types.js";

/** Slack truncates attachment titles; Alertmanager cuts them at this many runes first. */
const MAX_TITLE_RUNES = 1024;

/** Alertmanager's defaults (config/notifiers.go DefaultSlackConfig). */
export const SLACK_DEFAULTS = {
  username: '{{ template "slack.default.username" . }}',
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  title: '{{ template "slack.default.title" . }}',
  titleLink: '{{ template "slack.default.titlelink" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  footer: '{{ template "slack.default.footer" . }}',
} as const;

export interface SlackAttachment {
  title?: string;
  title_link?: string;
  pretext?: string;
  text: string;
  fallback: string;
  callback_id: string;
  footer: string;
  color?: string;
  mrkdwn_in: string[];
}

export interface SlackRequest {
  channel?: string;
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  attachments: SlackAttachment[];
}

/** Drops empty strings, as Go's `omitempty`. */
function omitEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== "" && v !== undefined)) as T;
}

/**
 * As Alertmanager's slackResponseHandler: a JSON answer (chat.postMessage)
 * must say `"ok": true`; any other answer (incoming webhooks) must be `ok`.
 */
export function checkSlackAnswer(contentType: string, body: string, url: string): void {
  const secrets = [url, ...urlParts(url)];
  if (contentType.startsWith("application/json")) {
    let answer: { ok?: unknown; error?: unknown };
    try {
      answer = JSON.parse(body) as { ok?: unknown; error?: unknown };
    } catch {
      throw new NotifyError(
        `slack: unreadable JSON answer: ${scrub(body.slice(0, 256), secrets)}`,
        true,
      );
    }
    if (answer.ok !== true) {
      throw new NotifyError(
        `slack: error response: ${scrub(String(answer.error ?? "").slice(0, 256), secrets)}`,
        false,
      );
    }
    return;
  }
  if (body.trim() !== "ok") {
    throw new NotifyError(`slack: error response: ${scrub(body.slice(0, 256), secrets)}`, false);
  }
}

export function slackIntegration(
  receiver: string,
  index: number,
  conf: SlackConfig,
  deps: BuildDeps,
): Integration {
  return integration({
    receiver,
    kind: "slack",
    index,
    sendResolved: conf.sendResolved,
    async deliver(ctx, alerts, signal) {
      const data = notificationData(ctx, alerts);
      const now = deps.now;
      const t = (text: string | undefined) =>
        text === undefined ? Promise.resolve("") : deps.templates.render(text, data, { now });
      const title = truncateRunes(await t(conf.title ?? SLACK_DEFAULTS.title), MAX_TITLE_RUNES);
      // Field order and omitempty as Alertmanager's attachment struct.
      const attachment: SlackAttachment = {
        ...omitEmpty({
          title: title.text,
          title_link: await t(conf.titleLink ?? SLACK_DEFAULTS.titleLink),
          pretext: await t(conf.pretext ?? SLACK_DEFAULTS.pretext),
        }),
        text: await t(conf.text ?? SLACK_DEFAULTS.text),
        fallback: await t(conf.fallback ?? SLACK_DEFAULTS.fallback),
        callback_id: "",
        footer: await t(conf.footer ?? SLACK_DEFAULTS.footer),
        ...omitEmpty({ color: await t(conf.color ?? SLACK_DEFAULTS.color) }),
        mrkdwn_in: ["fallback", "pretext", "text"],
      };
      const body: SlackRequest = {
        ...omitEmpty({
          channel: await t(conf.channel),
          username: await t(conf.username ?? SLACK_DEFAULTS.username),
          icon_emoji: await t(conf.iconEmoji),
          icon_url: await t(conf.iconUrl),
        }),
        attachments: [attachment],
      };
      const url = await secretValue(deps.configDir, conf.apiUrl, conf.apiUrlFile, "api_url");
      const auth = await httpAuth(deps.configDir, conf.httpConfig);
      const res = await postJSON(url, body, {
        headers: auth.headers,
        secrets: auth.secrets,
        fetchImpl: deps.fetchImpl,
        signal,
        timeoutMs: conf.timeoutMs,
        what: "slack",
      });
      checkSlackAnswer(res.contentType, res.body, url);
    },
  });
}
