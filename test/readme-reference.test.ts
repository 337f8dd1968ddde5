/**
 * The README's resource reference states what the resource definitions (and so the declarations'
 * docs, see `declarations`) state: for each of the 24 resource classes a section `### \`cloud.Kind\``
 * with one row per input (`| \`name\` | rule | on change |`), `**replace**` in the on-change cell
 * exactly for the inputs whose change replaces the resource (a change that replaces only in some
 * cases says `when` or `otherwise`), "default \`value\`" exactly for the schema's defaults, and an
 * `Outputs:` line naming exactly the outputs beyond the inputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import "../src/index";
import { resourceFacts } from "../src/core/kit";
import { findUp } from "./harness/project";
import { fieldFacts } from "./support/schema";

const README = fs.readFileSync(path.join(findUp(__dirname, "package.json")!, "README.md"), "utf8");

/** The README's section of a class: from its heading to the next heading. */
function sectionOf(token: string): string | undefined {
  const [cloud, kind] = token.split(":");
  const start = README.indexOf(`### \`${cloud}.${kind}\`\n`);
  if (start < 0) return undefined;
  const rest = README.slice(start + 1);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** A default as the README writes it: strings bare, anything else as JSON. */
const written = (value: unknown) => (typeof value === "string" && value !== "" ? value : JSON.stringify(value));

test.each([...resourceFacts.keys()])("the README's reference of %s agrees with its definition", (token) => {
  const facts = resourceFacts.get(token)!;
  const section = sectionOf(token);
  expect({ token, section: section !== undefined }).toEqual({ token, section: true });
  const rows = new Map<string, { rule: string; onChange: string }>();
  for (const line of section!.split("\n")) {
    const cells = /^\| `([A-Za-z][A-Za-z0-9]*)` \| (.*) \| (.*) \|$/.exec(line);
    if (cells) rows.set(cells[1], { rule: cells[2], onChange: cells[3] });
  }
  const inputs = Object.keys(facts.inputs.shape);
  expect([...rows.keys()].sort()).toEqual([...inputs].sort());

  const problems: string[] = [];
  for (const input of inputs) {
    const row = rows.get(input);
    if (!row) continue;
    const replaces = facts.replaceOnChange.includes(input);
    const saysReplace = row.onChange.includes("**replace**");
    const conditional = facts.replacesSometimes && /\b(when|otherwise)\b/.test(row.onChange);
    if (replaces && !saysReplace) problems.push(`${input}: its change replaces the resource; the README says "${row.onChange}"`);
    if (!replaces && saysReplace && !conditional) problems.push(`${input}: its change does not replace the resource; the README says "${row.onChange}"`);

    const { hasDefault, defaultValue } = fieldFacts(facts.inputs.shape[input] as z.ZodType);
    const documented = /default `([^`]*)`/.exec(row.rule)?.[1];
    if (hasDefault && documented === undefined) problems.push(`${input}: the schema's default ${JSON.stringify(defaultValue)} is not in the README`);
    if (!hasDefault && documented !== undefined) problems.push(`${input}: the README gives a default (${documented}) the schema does not have`);
    if (hasDefault && documented !== undefined && documented !== written(defaultValue)) {
      problems.push(`${input}: the README's default ${documented} is not the schema's ${written(defaultValue)}`);
    }
  }
  expect(problems).toEqual([]);

  const outputsLine = /^Outputs: the inputs([^\n]*(?:\n(?!\n)[^\n]*)*)/m.exec(section!)?.[1] ?? "";
  const listed = [...outputsLine.split(/\.\s/)[0].matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]);
  const beyond = facts.outputNames.filter((name) => !inputs.includes(name));
  expect({ token, outputs: [...listed].sort() }).toEqual({ token, outputs: [...beyond].sort() });
});
