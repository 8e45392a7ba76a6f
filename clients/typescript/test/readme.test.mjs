// The README's curl walkthrough, run as written against a started service: every call annotated
// with a status (`# 201`) must answer it, so the README cannot drift from the service.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { startService } from "./service.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
let service;

before(async () => {
  service = await startService();
});

after(async () => {
  await service?.stop();
});

/** The `sh` blocks of the walkthrough (from "Try it with curl" to "Endpoints"), continuation lines joined. */
function walkthrough() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Try it with curl"), readme.indexOf("## Endpoints"));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 4, "the walkthrough has its sh blocks");
  return blocks.map((block) => block.replace(/\\\n/g, " "));
}

/** Each `curl ... # NNN` line becomes a call that fails the script unless it answers NNN. */
function checked(block) {
  let calls = 0;
  const lines = block.split("\n").map((line) => {
    const annotated = /^(\s*curl\s.*?)\s+#\s*(\d{3})\s*$/.exec(line);
    if (!annotated) return line;
    calls++;
    return `__check ${annotated[2]} ${annotated[1]}`;
  });
  return { script: lines.join("\n"), calls };
}

test("the README's walkthrough answers what it says, call by call", () => {
  const blocks = walkthrough().map(checked);
  const calls = blocks.reduce((sum, b) => sum + b.calls, 0);
  assert.ok(calls >= 15, `only ${calls} annotated calls found`);
  const script = [
    "set -euo pipefail",
    "__check() {",
    "  local want=$1; shift",
    "  local out; out=$(\"$@\" -w '\\n%{http_code}')",
    "  local got=${out##*$'\\n'}",
    "  if [ \"$got\" != \"$want\" ]; then echo \"README: expected $want, got $got: $* => ${out%$'\\n'*}\" >&2; exit 1; fi",
    "  echo \"ok $want\"",
    "}",
    ...blocks.map((b) => b.script),
  ].join("\n");
  const run = spawnSync("bash", ["-c", script], { env: { ...process.env, BASE: service.baseUrl }, encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, `the walkthrough failed:\n${run.stderr}\n${run.stdout}`);
  assert.equal((run.stdout.match(/^ok \d{3}$/gm) ?? []).length, calls);
});
