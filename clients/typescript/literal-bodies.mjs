// Lets a caller write a request body as an object literal. NSwag types a body parameter with its
// DTO class, whose init and toJSON methods a literal does not have, so `createSession(org, ws,
// { id, model })` did not compile; the class's constructor interface (ICreateSessionRequest,
// with its nested bodies typed by their interfaces too) is what the call needs: the method sends
// JSON.stringify(body), the same JSON for a literal as for an instance, and an instance still
// fits the interface. A body the service would refuse (a required field missing) still does not
// compile: the interfaces keep the classes' required fields.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const source = readFileSync(file, "utf8");
// Each method that sends a body is declared twice (the client's interface and its class).
const parameter = /^(    \w+\(.*\brequest: )(\w+Request)\b/gm;
const found = [...source.matchAll(parameter)];
const sent = [...source.matchAll(/JSON\.stringify\((\w+)\)/g)];
const missing = found.filter(([, , type]) => !source.includes(`export interface I${type} {`));
if (found.length === 0 || missing.length > 0 || found.length !== 2 * sent.length || sent.some(([, name]) => name !== "request")) {
  throw new Error("the body parameters are not in the form literal-bodies.mjs rewrites: NSwag's output changed, review it");
}

writeFileSync(file, source.replace(parameter, "$1I$2"));
console.log(`literal-bodies: the bodies of ${sent.length} methods typed by their interfaces`);
