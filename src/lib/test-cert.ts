/**
 * Self-signed certificates for tests, made with the openssl command (part of
 * the Debian image: ca-certificates depends on it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** A P-256 certificate for `localhost` and 127.0.0.1, valid 5 days, written into `dir` as NAME-cert.pem / NAME-key.pem. */
export function makeTestCert(dir: string, name = "server"): TestCert {
  const certFile = join(dir, `${name}-cert.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "5",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "pipe", timeout: 30_000 },
    );
  } catch (e) {
    throw new Error(`this test needs openssl to make a self-signed certificate: ${String(e)}`);
  }
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile, "utf8"),
    key: readFileSync(keyFile, "utf8"),
  };
}
