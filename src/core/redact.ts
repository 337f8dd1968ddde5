/**
 * Redaction of secret values from every text that leaves the provider: error messages, progress
 * lines and logs (see report.ts). Credentials and secret inputs are registered as they are read; any text built
 * afterwards has them replaced, also in the encodings an answer may quote them in (a form body
 * echoed URL-encoded, a JSON body echoed inside a JSON string, a Basic header in base64).
 */
const secrets = new Set<string>();

/** Values shorter than this are too likely to collide with ordinary words to be redacted. */
const MIN_SECRET_LENGTH = 4;
const MASK = "[redacted]";

/** The forms a secret takes on the wire: plain, URL-encoded (path and form), JSON-escaped, base64. */
export function encodedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice("v=".length),
    json,
    // A JSON string quoted again inside another JSON string (an echoed body in an error message).
    JSON.stringify(json).slice(1, -1),
    Buffer.from(value).toString("base64"),
    Buffer.from(value).toString("base64url"),
  ];
  return [...new Set(forms)];
}

/** Registers a secret value; of a list (e.g. secret SSH keys), every string in it. */
export function registerSecret(value: unknown): void {
  if (Array.isArray(value)) value.forEach(registerSecret);
  else if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH) {
    for (const form of encodedForms(value)) secrets.add(form);
  }
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret's longer encoded form is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
  // Authorization headers and bearer tokens, wherever they come from.
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)?\s*[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`)
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, `Bearer ${MASK}`);
}
