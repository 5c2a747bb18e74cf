/**
 * The server's TLS certificate and key (reddot.yaml `tls`): read from their
 * PEM files at start and again on reload, so a renewed certificate (certbot,
 * an internal CA) is picked up without a restart.
 */
import { readFileSync, statSync } from "node:fs";
import { createSecureContext } from "node:tls";
import { ReddotError } from "../lib/errors.js";

/** Largest certificate or key file read: a chain of a few certificates is a few KiB. */
const MAX_PEM_BYTES = 1024 * 1024;

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
}

/**
 * Reads and checks the pair: both files readable and bounded, PEM, and the key
 * belonging to the certificate. Throws RD_TLS_FILES naming the file and the fix.
 */
export function readTlsFiles(files: TlsFiles): TlsMaterial {
  const cert = readPem(files.certFile, "tls.cert_file", "CERTIFICATE");
  const key = readPem(files.keyFile, "tls.key_file", "PRIVATE KEY");
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ReddotError(
      "RD_TLS_FILES",
      500,
      `tls: ${files.keyFile} and ${files.certFile} do not make a usable pair (${why}); check that the key belongs to the certificate`,
    );
  }
  return { cert, key };
}

function readPem(path: string, key: string, kind: string): string {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_PEM_BYTES) throw new Error(`${size} bytes; at most ${MAX_PEM_BYTES}`);
    text = readFileSync(path, "utf8");
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ReddotError("RD_TLS_FILES", 500, `${key} ${path}: cannot read it (${why})`);
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    throw new ReddotError(
      "RD_TLS_FILES",
      500,
      `${key} ${path}: no PEM "${kind}" block in it; give a PEM file (-----BEGIN ...-----)`,
    );
  }
  return text;
}
