import * as fs from "node:fs";
import * as path from "node:path";

/** The nearest directory at or above `start` that holds `file`. */
export function findUp(start: string, file: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, file))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface Project {
  name: string;
  /** Where Pulumi.yaml is: the provider host runs here, as under the Pulumi CLI. */
  dir: string;
}

/** The Pulumi project of a program: the `name` in the nearest Pulumi.yaml above it. */
export function projectOf(program: string | undefined): Project {
  const start = program ? path.dirname(path.resolve(program)) : process.cwd();
  const dir = findUp(start, "Pulumi.yaml");
  if (!dir) return { name: "project", dir: process.cwd() };
  const name = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1];
  return { name: name ?? "project", dir };
}
