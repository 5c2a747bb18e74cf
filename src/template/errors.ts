/** A template that does not parse or fails to execute; the message reads as Go's text/template message. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}
