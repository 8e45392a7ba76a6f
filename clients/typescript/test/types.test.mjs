// The generated client's request types, compiled as a caller's TypeScript: test/types/bodies.ts
// (bodies written as object literals, nested ones too, compile; bodies the service would refuse do
// not: each such line carries @ts-expect-error, which fails the compilation when no error is
// there) and the README's example, as written there.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Compiles one file with the strictest options a caller may use; answers tsc's exit status and output. */
function compile(file) {
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--exactOptionalPropertyTypes", "--target", "ES2022",
      "--module", "NodeNext", "--moduleResolution", "NodeNext", "--lib", "ES2022,DOM,DOM.Iterable", file,
    ],
    { cwd: root, encoding: "utf8" },
  );
  return { status: tsc.status, output: tsc.stdout + tsc.stderr };
}

test("request bodies as object literals compile, refused ones do not", () => {
  const { status, output } = compile("test/types/bodies.ts");
  assert.equal(status, 0, output);
});

test("query parameters by name compile, wrong names and types do not", () => {
  const { status, output } = compile("test/types/queries.ts");
  assert.equal(status, 0, output);
});

test("the README's example compiles", () => {
  const readme = readFileSync(join(root, "../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## TypeScript client"), readme.indexOf("## Operating it"));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example?.includes('from "@sessions/client"'), "the section has its TypeScript example");
  const dir = mkdtempSync(join(tmpdir(), "readme-ts-"));
  try {
    const file = join(dir, "readme.mts");
    const dist = join(root, "dist/index.js").replaceAll("\\", "/");
    writeFileSync(file, `declare const auth: { currentAccessToken(): string };\n${example.replace('"@sessions/client"', JSON.stringify(dist))}\nexport {};\n`);
    const { status, output } = compile(file);
    assert.equal(status, 0, output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
