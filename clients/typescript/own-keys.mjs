// Makes the generated client keep every key of a JSON map as a key. NSwag's code copies maps
// (labels, metadata, data, disposition) key by key: it asks the map itself whether it has the key,
// which a map holding a key named "hasOwnProperty" answers by throwing, and assigns each entry,
// which for a key named "__proto__" changes the object's prototype instead (a label "__proto__", a
// valid key, was dropped on reading and never sent). Each check asks Object.prototype's own
// method, and each assignment defines an own property.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const source = readFileSync(file, "utf8");
const assignment = /\((this\.\w+|data\["\w+"\]) as any\)!?\[key\] = (.+);$/gm;
const check = /(_data\["\w+"\]|this\.\w+)\.hasOwnProperty\(key\)/g;
const count = [...source.matchAll(assignment)].length;
if (count === 0 || [...source.matchAll(check)].length !== count) {
  throw new Error("the maps copied key by key are not in the form own-keys.mjs rewrites: NSwag's output changed, review it");
}

const helper = `
/** Sets a map's entry as an own property: assigning a key named "__proto__" would set the object's prototype instead. */
function setOwn(target: any, key: string, value: any): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
`;
const rewritten = source.replace(assignment, "setOwn($1, key, $2);").replace(check, "Object.prototype.hasOwnProperty.call($1, key)");
writeFileSync(file, rewritten + helper);
console.log(`own-keys: ${count} map entries set as own properties`);
