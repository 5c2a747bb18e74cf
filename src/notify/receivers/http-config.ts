import { secretValue } from "./secrets.js";
import { NotifyError } from "./types.js";

/**
 * The parts of an integration's `http_config` (Prometheus common config)
 * reddot applies: `basic_auth`, `authorization`, `bearer_token(_file)`.
 * Settings that would change where or how the request goes (proxies, OAuth 2,
 * client certificates, a private CA) are refused with a clear error rather
 * than ignored.
 */
export interface HttpAuth {
  headers: Record<string, string>;
  /** Values to scrub from error texts. */
  secrets: string[];
}

const UNSUPPORTED_KEYS = ["oauth2", "proxy_url", "proxy_connect_header", "http_headers"] as const;
const UNSUPPORTED_TLS_KEYS = ["ca", "ca_file", "cert", "cert_file", "key", "key_file"] as const;

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === "string" && v !== "" ? v : undefined;
}

function unsupported(key: string): NotifyError {
  return new NotifyError(`http_config.${key} is not supported by reddot yet`, false);
}

export async function httpAuth(
  configDir: string,
  httpConfig: Record<string, unknown> | undefined,
): Promise<HttpAuth> {
  const out: HttpAuth = { headers: {}, secrets: [] };
  if (httpConfig === undefined) return out;
  for (const k of UNSUPPORTED_KEYS) if (httpConfig[k] !== undefined) throw unsupported(k);
  if (httpConfig.proxy_from_environment === true) throw unsupported("proxy_from_environment");
  const tls = obj(httpConfig.tls_config);
  if (tls) {
    for (const k of UNSUPPORTED_TLS_KEYS)
      if (tls[k] !== undefined) throw unsupported(`tls_config.${k}`);
    if (tls.insecure_skip_verify === true) throw unsupported("tls_config.insecure_skip_verify");
  }
  const basic = obj(httpConfig.basic_auth);
  const authz = obj(httpConfig.authorization);
  const bearer = str(httpConfig, "bearer_token");
  const bearerFile = str(httpConfig, "bearer_token_file");
  if (basic) {
    const user = str(basic, "username") ?? "";
    const pass = await secretValue(
      configDir,
      str(basic, "password"),
      str(basic, "password_file"),
      "http_config.basic_auth.password",
    ).catch((e: unknown) => {
      // A username without a password is allowed (Prometheus sends an empty password).
      if (str(basic, "password") === undefined && str(basic, "password_file") === undefined)
        return "";
      throw e;
    });
    const token = Buffer.from(`${user}:${pass}`).toString("base64");
    out.headers.authorization = `Basic ${token}`;
    out.secrets.push(token);
    if (pass !== "") out.secrets.push(pass);
  } else if (authz || bearer !== undefined || bearerFile !== undefined) {
    const type = (authz && str(authz, "type")) ?? "Bearer";
    const credentials = authz
      ? await secretValue(
          configDir,
          str(authz, "credentials"),
          str(authz, "credentials_file"),
          "http_config.authorization.credentials",
        )
      : await secretValue(configDir, bearer, bearerFile, "http_config.bearer_token");
    out.headers.authorization = `${type} ${credentials}`;
    out.secrets.push(credentials);
  }
  return out;
}
