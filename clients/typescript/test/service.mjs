// Starts the built service on a fresh SQLite file on 127.0.0.1 and talks to it like a client would.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const serviceDir = join(root, "src/Sessions.Api/bin/Release/net10.0");

/**
 * Runs `Sessions.Api.dll` (Development environment, JSON logs) until `stop()`; `logs` collects its
 * JSON log lines. Resolves once the service listens.
 */
export async function startService(env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "sessions-e2e-"));
  const child = spawn("dotnet", [join(serviceDir, "Sessions.Api.dll"), "--urls", "http://127.0.0.1:0"], {
    cwd: serviceDir,
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Development",
      Database__Provider: "Sqlite",
      ConnectionStrings__Sessions: `Data Source=${join(dataDir, "sessions.db")}`,
      Logging__Format: "json",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs = [];
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const baseUrl = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start: ${stderr}`)), 60_000);
    let buffer = "";
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith("{")) continue;
        const entry = JSON.parse(line);
        logs.push(entry);
        const listening = /Now listening on: (http:\/\/\S+)/.exec(entry.Message ?? "");
        if (listening) {
          clearTimeout(timer);
          resolveUrl(listening[1]);
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`the service exited with ${code}: ${stderr}`)));
  });
  return {
    baseUrl,
    logs,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((done) => (child.exitCode !== null ? done() : child.on("exit", done)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token from the Development token endpoint, for a member created on the spot. */
export async function devToken(baseUrl, { email, org = "demo", workspace = "default", role = "member", scopes = ["sessions:read", "sessions:write"] }) {
  const response = await fetch(`${baseUrl}/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, org, workspace, role, scopes }),
  });
  if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
  return response.json();
}
