// Loads Swagger UI in headless Chromium and checks the rendered page lists the freeze operation.
// A screenshot goes to $SESSIONS_ARTIFACTS (default: .artifacts at the repository root).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { startService } from "./service.mjs";

const run = promisify(execFile);
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const artifacts = process.env.SESSIONS_ARTIFACTS ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../.artifacts");
let service;

before(async () => {
  service = await startService();
});

after(async () => {
  await service?.stop();
});

async function headless(...args) {
  const profile = mkdtempSync(join(tmpdir(), "sessions-chromium-"));
  try {
    const { stdout } = await run(chromium, [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      "--virtual-time-budget=20000",
      ...args,
    ], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

test("Swagger UI renders the freeze operation in a real browser", { skip: chromium ? false : "Chromium is not installed" }, async () => {
  const url = `${service.baseUrl}/swagger/index.html`;
  const dom = await headless("--dump-dom", url);
  assert.match(dom, /class="swagger-ui/, "Swagger UI did not render");
  assert.match(dom, /\/api\/v1\/org\/\{org\}\/ws\/\{workspace\}\/sessions\/\{session_id\}\/freeze/, "the freeze route is not on the page");
  assert.match(dom, /Freeze a session/, "the freeze operation's summary is not on the page");

  mkdirSync(artifacts, { recursive: true });
  const screenshot = join(artifacts, "swagger-ui.png");
  await headless(`--screenshot=${screenshot}`, "--window-size=1280,2400", url);
  assert.ok(statSync(screenshot).size > 10_000, "the screenshot is empty");
});
