// Makes the generated client keep every key of a JSON map as a key. NSwag's code copies maps
// (labels, metadata, data, disposition) key by key with a plain assignment, and assigning to a key
// named "__proto__" changes the object's prototype instead: a label "__proto__" (a valid key) was
// dropped on reading and never sent. Each such assignment becomes an own property's definition.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const source = readFileSync(file, "utf8");
const assignment = /\((this\.\w+|data\["\w+"\]) as any\)!?\[key\] = (.+);$/gm;
const count = [...source.matchAll(assignment)].length;
if (count === 0) {
  throw new Error("no map copied key by key was found: NSwag's output changed, review own-keys.mjs");
}

const helper = `
/** Sets a map's entry as an own property: assigning a key named "__proto__" would set the object's prototype instead. */
function setOwn(target: any, key: string, value: any): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
`;
writeFileSync(file, source.replace(assignment, "setOwn($1, key, $2);") + helper);
console.log(`own-keys: ${count} map entries set as own properties`);
