#!/usr/bin/env bash
# Regenerates openapi.json and src/client.ts from the service's code, without a running server
# or a database: NSwag builds the app from the Release build of src/Sessions.Api.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
dotnet build "$root/src/Sessions.Api/Sessions.Api.csproj" -c Release -nologo -v q >/dev/null
(cd "$root" && dotnet tool restore >/dev/null)
Database__InitializeAtStartup=false dotnet nswag run nswag.json >/dev/null
node own-keys.mjs src/client.ts >/dev/null
node literal-bodies.mjs src/client.ts >/dev/null
node error-class.mjs src/client.ts >/dev/null
node query-objects.mjs src/client.ts openapi.json src/queries.ts >/dev/null
