// Makes the envelope a client call rejects with an Error: NSwag writes ErrorEnvelope as a plain
// class, so a rejection had no `message` (code that shows `error.message`, as error boundaries and
// toasts do, showed "undefined"), no `stack`, and was "[object Object]" as text; error trackers
// file such rejections as "Non-Error promise rejection". The class now extends Error: its
// `message` is the envelope's `detail`, its `name` "ErrorEnvelope" (both not enumerable, as an
// Error's own are, so that spreading it gives the envelope's fields), and `instanceof ErrorEnvelope`
// holds as before (ADR 0017). `toJSON` still writes the envelope's fields alone. `structuredClone`
// of it (to a worker) gives a plain Error, as of any Error: send `toJSON()` across instead.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.argv[2];
const source = readFileSync(file, "utf8");
const declaration = "export class ErrorEnvelope implements IErrorEnvelope {";
const constructor = `    constructor(data?: IErrorEnvelope) {
        if (data) {`;
const detailRead = `            this.detail = _data["detail"] !== undefined ? _data["detail"] : null as any;`;
const start = source.indexOf(declaration);
const end = source.indexOf("\n}\n", start);
const body = start < 0 || end < 0 ? "" : source.slice(start, end);
if (body.split(constructor).length !== 2 || body.split(detailRead).length !== 2) {
  throw new Error("ErrorEnvelope is not in the form error-class.mjs rewrites: NSwag's output changed, review it");
}

const rewritten = body
  .replace(declaration, "export class ErrorEnvelope extends Error implements IErrorEnvelope {")
  .replace(constructor, `    constructor(data?: IErrorEnvelope) {
        super(data?.detail ?? "");
        Object.defineProperty(this, "name", { value: "ErrorEnvelope", enumerable: false, writable: true, configurable: true });
        if (data) {`)
  .replace(detailRead, `${detailRead}
            this.message = this.detail ?? "";`);
writeFileSync(file, source.slice(0, start) + rewritten + source.slice(end));
console.log("error-class: ErrorEnvelope extends Error");
