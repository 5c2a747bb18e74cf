export {
  type AlertTemplateData,
  type AlertTemplateOptions,
  checkAlertTemplate,
  expandAlertTemplate,
  type QueryResultSample,
} from "./alert.js";
export { TemplateError } from "./errors.js";
export { MAX_TEMPLATE_BYTES } from "./limits.js";
export {
  type NotificationAlert,
  type NotificationData,
  NotificationTemplates,
  type RenderOptions,
} from "./notification.js";
