// Writes src/queries.ts: for every operation with query parameters, an interface of those
// parameters by their names on the wire (`ListSessionsQuery`), the method taking them as one object
// after the path's parameters, and the order in which the generated method takes them.
// NSwag's TypeScript client takes a query's parameters in order only: `listSessions` takes sixteen,
// six of them adjacent lists of strings, which a caller can swap without the compiler noticing.
// The order and types are read from the generated interface (src/client.ts), the names and which
// parameters are in the path from the OpenAPI document; the two must agree or this stops.
// The session filters are written once, as SessionFilterQuery: the parameters of getSessionFacets,
// which counts what a listing's filters select. An operation that takes every one of them (the same
// name, type, requiredness and description) extends it with its own, so that one object of filters
// can be spread into the listings, the facets and the usage alike; one that takes them all by name
// but one of them otherwise stops this, as the document would then disagree with itself.
import { readFileSync, writeFileSync } from "node:fs";

const [clientFile, documentFile, outputFile] = process.argv.slice(2);
const client = readFileSync(clientFile, "utf8");
const document = JSON.parse(readFileSync(documentFile, "utf8"));

const start = client.indexOf("export interface ISessionsClient {");
const end = client.indexOf("\n}\n", start);
if (start < 0 || end < 0) {
  throw new Error("no ISessionsClient interface in the generated client: NSwag's output changed, review query-objects.mjs");
}
const members = client.slice(start, end);

/** A method's doc comment and signature in the interface, e.g. `listSessions(org: string, ...): Promise<SessionPage>;`. */
function method(name) {
  const found = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*\\n\\s*${name}\\((.*)\\): (Promise<.*>);$`, "m").exec(members);
  if (!found) {
    throw new Error(`no method ${name} in ISessionsClient: NSwag's output changed, review query-objects.mjs`);
  }
  return { doc: found[1], parameters: split(found[2]), answer: found[3] };
}

/** A signature's parameters, split at the commas outside brackets. */
function split(list) {
  const parameters = [];
  let depth = 0;
  let current = "";
  for (const character of list) {
    if ("<([{".includes(character)) depth++;
    if (">)]}".includes(character)) depth--;
    if (character === "," && depth === 0) {
      parameters.push(current.trim());
      current = "";
    } else {
      current += character;
    }
  }
  parameters.push(current.trim());
  return parameters.map((text) => {
    const parsed = /^(\w+)(\??): (.+)$/.exec(text);
    if (!parsed) throw new Error(`a parameter query-objects.mjs cannot read: ${text}`);
    return { name: parsed[1], optional: parsed[2] === "?", type: parsed[3], text };
  });
}

/** The same name in the document and in the generated code: snake_case there, either case here. */
const folded = (name) => name.replaceAll("_", "").toLowerCase();

const operations = [];
for (const item of Object.values(document.paths)) {
  for (const operation of Object.values(item)) {
    const query = (operation.parameters ?? []).filter((p) => p.in === "query");
    if (query.length === 0) continue;
    const others = operation.parameters.filter((p) => p.in !== "query");
    if (others.some((p) => p.in !== "path")) {
      throw new Error(`${operation.operationId} has a header parameter beside its query: query-objects.mjs places path parameters only`);
    }
    if (operation.parameters.findIndex((p) => p.in === "query") !== others.length) {
      throw new Error(`${operation.operationId} lists a path parameter after its query: query-objects.mjs takes the path's parameters first`);
    }
    const { doc, parameters, answer } = method(operation.operationId);
    const generated = parameters.slice(0, -1);
    if (parameters.at(-1)?.name !== "signal" || generated.length !== operation.parameters.length) {
      throw new Error(`${operation.operationId}'s generated parameters are not the document's, then a signal`);
    }
    const path = generated.slice(0, others.length);
    const inQuery = generated.slice(others.length);
    operation.parameters.forEach((p, i) => {
      if (folded(generated[i].name) !== folded(p.name) && !(p.in === "path" && folded(p.name).startsWith(folded(generated[i].name)))) {
        throw new Error(`${operation.operationId}'s parameter ${i + 1} is ${generated[i].name} in the client and ${p.name} in the document`);
      }
    });
    const descriptions = Object.fromEntries(
      [...doc.matchAll(/@param (\w+) (?:\(optional\) )?(.*)$/gm)].map((m) => [m[1], m[2].trim()]),
    );
    operations.push({
      id: operation.operationId,
      summary: /^\s*\* ([^@\s].*)$/m.exec(doc)?.[1] ?? operation.operationId,
      answer,
      path,
      query: query.map((p, i) => ({ wire: p.name, required: p.required === true, type: inQuery[i].type, description: descriptions[inQuery[i].name] ?? "" })),
    });
  }
}

const typeName = (id) => `${id[0].toUpperCase()}${id.slice(1)}Query`;
const filtersOperation = "getSessionFacets";
const filters = operations.find((operation) => operation.id === filtersOperation)?.query;
if (!filters) {
  throw new Error(`no ${filtersOperation} with query parameters in the document: query-objects.mjs takes the session filters from it`);
}
const same = (a, b) => a.wire === b.wire && a.required === b.required && a.type === b.type && a.description === b.description;
/** An operation's own parameters beside the filters, or null when it does not take every filter. */
function beside(operation) {
  const own = operation.query.filter((parameter) => !filters.some((filter) => same(parameter, filter)));
  if (own.length === operation.query.length - filters.length) return own;
  if (filters.every((filter) => operation.query.some((parameter) => parameter.wire === filter.wire))) {
    throw new Error(`${operation.id} takes every session filter by name but not every one as ${filtersOperation} does: align the document`);
  }
  return null;
}
/** The operations that extend the filters, each with its own parameters beside them. */
const extending = new Map(
  operations.filter((operation) => operation.id !== filtersOperation).map((operation) => [operation, beside(operation)]).filter(([, own]) => own),
);

const lines = [];
const usedTypes = new Set();
/** An interface's members, one a parameter, each with its description. */
function writeMembers(parameters) {
  for (const parameter of parameters) {
    const type = parameter.required ? parameter.type.replace(/ \| null \| undefined$/, "") : parameter.type;
    for (const word of type.match(/\b[A-Z]\w*/g) ?? []) usedTypes.add(word);
    if (parameter.description) lines.push(`    /** ${parameter.description} */`);
    lines.push(`    ${parameter.wire}${parameter.required ? "" : "?"}: ${type};`);
  }
}

lines.push(`/** The session filters, by their names on the wire: what \`${filtersOperation}\` takes, and ${[...extending.keys()].map((operation) => `\`${operation.id}\``).join(", ")} beside their own. */`);
lines.push("export interface SessionFilterQuery {");
writeMembers(filters);
lines.push("}", "");
for (const operation of operations) {
  lines.push(`/** The query parameters of \`${operation.id}\` (${operation.summary}), by their names on the wire. */`);
  if (operation.id === filtersOperation) {
    lines.push(`export type ${typeName(operation.id)} = SessionFilterQuery;`, "");
    continue;
  }
  const own = extending.get(operation);
  lines.push(`export interface ${typeName(operation.id)}${own ? " extends SessionFilterQuery" : ""} {`);
  writeMembers(own ?? operation.query);
  lines.push("}", "");
}
for (const operation of operations) {
  for (const word of operation.answer.match(/\b[A-Z]\w*/g) ?? []) usedTypes.add(word);
}
usedTypes.delete("Promise");

lines.push("/**");
lines.push(" * The operations with query parameters, taking them as one object after the path's parameters:");
lines.push(" * `listSessions(org, workspace, { label: [\"team:red\"], page: 2 })`. The generated methods take them in order.");
lines.push(" */");
lines.push("export interface QueryObjects {");
for (const operation of operations) {
  const required = operation.query.some((p) => p.required);
  const path = operation.path.map((p) => p.text).join(", ");
  lines.push(`    /** ${operation.summary}, its query parameters by name. */`);
  lines.push(`    ${operation.id}(${path}, query${required ? "" : "?"}: ${typeName(operation.id)}, signal?: AbortSignal): ${operation.answer};`);
}
lines.push("}", "");
lines.push("/** For each operation of {@link QueryObjects}: how many path parameters it takes, and its query parameters in the generated method's order. */");
lines.push("export const queryParameters: { readonly [operation in keyof QueryObjects]: { readonly path: number; readonly query: readonly string[] } } = {");
for (const operation of operations) {
  lines.push(`    ${operation.id}: { path: ${operation.path.length}, query: [${operation.query.map((p) => JSON.stringify(p.wire)).join(", ")}] },`);
}
lines.push("};", "");
const header = [
  "// Written by query-objects.mjs from client.ts and openapi.json (generate.sh): do not edit.",
  "// Every operation with query parameters, taking them by their names on the wire in one object.",
  `import type { ${[...usedTypes].sort().join(", ")} } from "./client.js";`,
  "",
];
writeFileSync(outputFile, [...header, ...lines].join("\n"));
console.log(`query-objects: ${operations.length} operations take their query parameters by name`);
