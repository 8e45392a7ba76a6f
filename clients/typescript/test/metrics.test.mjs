// A real scrape of /metrics, checked by Prometheus's own `promtool check metrics`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { createSessionsClient } from "../dist/index.js";
import { devToken, startService } from "./service.mjs";

const promtool = spawnSync("promtool", ["--version"]).status === 0;
const required = process.env.SESSIONS_REQUIRE_PROMTOOL === "1";
let service;

before(async () => {
  service = await startService({ Metrics__Prometheus: "true" });
});

after(async () => {
  await service?.stop();
});

test("the scrape passes promtool check metrics and holds the service's counters", { skip: !promtool && !required && "promtool is not installed (CI installs it)" }, async () => {
  assert.ok(promtool, "promtool is required here (SESSIONS_REQUIRE_PROMTOOL=1) but not installed");
  const owner = await devToken(service.baseUrl, { email: `metrics-${randomUUID()}@example.com` });
  const client = createSessionsClient({ baseUrl: service.baseUrl, token: owner.access_token });
  const id = randomUUID();
  await client.createSession("demo", "default", { id, model: "gpt-4o" });
  await client.appendTranscript("demo", "default", id, { messages: [{ role: "user", content: "hi" }] });
  await client.freezeSession("demo", "default", id);

  const scrape = await fetch(`${service.baseUrl}/metrics`);
  assert.equal(scrape.status, 200);
  const text = await scrape.text();
  assert.match(text, /^sessions_frozen_total\{/m);
  assert.match(text, /^http_server_request_duration_seconds_bucket\{/m);
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
});
