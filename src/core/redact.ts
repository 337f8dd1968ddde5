/**
 * Redaction of secret values from every text that leaves the provider: error messages, progress
 * lines and logs. Credentials and secret inputs are registered as they are read; any text built
 * afterwards has them replaced.
 */
const secrets = new Set<string>();

/** Values shorter than this are too likely to collide with ordinary words to be redacted. */
const MIN_SECRET_LENGTH = 4;
const MASK = "[redacted]";

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MASK);
  // Authorization headers and bearer tokens, wherever they come from.
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)?\s*[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`)
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, `Bearer ${MASK}`);
}

/** Writes one progress line for long waits; the engine shows provider stderr in verbose output. */
export function progress(message: string): void {
  process.stderr.write(`[eurocloud] ${redact(message)}\n`);
}
