/**
 * What an editor shows: the packed package (`npm pack`) is unpacked and its type declarations
 * loaded with the TypeScript compiler, as an editor's hover loads them. Every input property
 * (the constructor's arguments) and every output property of every resource class must carry a
 * doc comment; a `@default` in a doc must be the schema's default, a schema default must be in
 * the doc, and a property whose schema is an enum must be declared as exactly its values.
 * Needs `npm run build` first (the package is packed from dist/).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as ts from "typescript";
import type { z } from "zod";
import "../src/index";
import { resourceFacts } from "../src/core/kit";
import { tempDir } from "./engine";
import { findUp } from "./harness/project";
import { fieldFacts } from "./support/schema";

const ROOT = findUp(__dirname, "package.json")!;

interface PropertyReport {
  where: string;
  problem: string;
}

const text = (parts: ts.SymbolDisplayPart[] | undefined) => ts.displayPartsToString(parts).trim();

/** A `@default` tag's value: JSON when it parses, the text otherwise. */
function tagValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

let packageDir: string;

beforeAll(() => {
  const dir = tempDir("declarations-");
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }));
  execFileSync("tar", ["-xzf", path.join(dir, packed.filename), "-C", dir]);
  // The declarations import @pulumi/pulumi and zod: a program's own node_modules provides them.
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  packageDir = path.join(dir, "package");
}, 120_000);

test("every input and output property of every resource class is documented, and the docs agree with the schemas", () => {
  const entry = path.join(packageDir, "dist/src/index.d.ts");
  const program = ts.createProgram([entry], { strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, noEmit: true });
  const checker = program.getTypeChecker();
  const fromPackage = (symbol: ts.Symbol) => (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(packageDir));
  const problems: PropertyReport[] = [];
  const counts = { classes: 0, inputs: 0, inputsDocumented: 0, outputs: 0, outputsDocumented: 0 };
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;

  for (const namespace of checker.getExportsOfModule(moduleSymbol)) {
    const cloud = namespace.getName();
    const members = checker.getExportsOfModule(checker.getAliasedSymbol(namespace));
    for (const member of members) {
      const symbol = member.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(member) : member;
      if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
      const token = `${cloud}:${symbol.getName()}`;
      const schema = resourceFacts.get(token)?.inputs;
      if (!schema) {
        problems.push({ where: token, problem: "no resource type of this token is registered" });
        continue;
      }
      counts.classes++;
      const classType = checker.getTypeOfSymbol(symbol);
      const [constructor] = classType.getConstructSignatures();
      const argsType = checker.getTypeOfSymbol(constructor.getParameters()[1]);
      const inputNames = new Set<string>();
      for (const property of checker.getPropertiesOfType(argsType)) {
        const where = `${token} input ${property.getName()}`;
        inputNames.add(property.getName());
        counts.inputs++;
        const doc = text(property.getDocumentationComment(checker));
        if (doc) counts.inputsDocumented++;
        else problems.push({ where, problem: "no doc comment" });
        const field = schema.shape[property.getName()] as z.ZodType | undefined;
        if (!field) {
          problems.push({ where, problem: "not in the schema" });
          continue;
        }
        const { hasDefault, defaultValue, enumValues: entries } = fieldFacts(field);
        const tag = property.getJsDocTags(checker).find((t) => t.name === "default");
        if (hasDefault && !tag) problems.push({ where, problem: `the schema's default ${JSON.stringify(defaultValue)} is not in the doc (@default)` });
        if (!hasDefault && tag) problems.push({ where, problem: `the doc gives a @default (${text(tag.text)}) that the schema does not have` });
        if (hasDefault && tag && !isDeepStrictEqual(tagValue(text(tag.text)), defaultValue)) {
          problems.push({ where, problem: `the doc's @default ${text(tag.text)} is not the schema's ${JSON.stringify(defaultValue)}` });
        }
        if (entries) {
          const declared = checker.getNonNullableType(checker.getTypeOfSymbol(property));
          // An input may be an Output: its plain values are the string literals among the union.
          const literals = (declared.isUnion() ? declared.types : [declared]).filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
          if (!isDeepStrictEqual([...new Set(literals)].sort(), [...entries].sort())) {
            problems.push({ where, problem: `declared as ${JSON.stringify(literals)}, the schema's enum is ${JSON.stringify(entries)}` });
          }
        }
      }
      for (const key of Object.keys(schema.shape)) {
        if (!inputNames.has(key)) problems.push({ where: `${token} input ${key}`, problem: "in the schema, not among the constructor's arguments" });
      }
      for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
        if (!fromPackage(property)) continue; // urn, id and the rest of pulumi.CustomResource
        counts.outputs++;
        if (text(property.getDocumentationComment(checker))) counts.outputsDocumented++;
        else problems.push({ where: `${token} output ${property.getName()}`, problem: "no doc comment" });
      }
    }
  }
  console.log(
    [
      `declarations of the packed package: ${counts.classes} resource classes; ` +
        `${counts.inputsDocumented} of ${counts.inputs} input properties and ${counts.outputsDocumented} of ${counts.outputs} output properties documented`,
      ...problems.map((p) => `  ${p.where}: ${p.problem}`),
    ].join("\n"),
  );
  expect(counts.classes).toBe(resourceFacts.size);
  expect(problems).toEqual([]);
});
