// The generated client's request types, compiled as a caller's TypeScript (test/types/bodies.ts):
// bodies written as object literals, nested ones too, compile; bodies the service would refuse do
// not (each such line carries @ts-expect-error, which fails the compilation when no error is there).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const root = fileURLToPath(new URL("..", import.meta.url));

test("request bodies as object literals compile, refused ones do not", () => {
  const tsc = spawnSync(
    process.execPath,
    [
      "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "--exactOptionalPropertyTypes", "--target", "ES2022",
      "--module", "NodeNext", "--moduleResolution", "NodeNext", "--lib", "ES2022,DOM,DOM.Iterable", "test/types/bodies.ts",
    ],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
