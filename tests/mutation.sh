#!/usr/bin/env bash
# Mutation testing with Stryker.NET: how many deliberate mistakes in the code the tests catch.
#
#   tests/mutation.sh             the Domain and the Application, one report each
#   tests/mutation.sh domain      only the Domain (.ci/run runs both and fails below 85% here, 80% for the Application)
#
# Each project is mutated with the test projects that cover it (tests/mutation/<project>.json),
# and the run fails when the score is below that file's "break" threshold. Reports (JSON, HTML)
# are written to .artifacts/mutation/<project>/. Mutants that cannot be killed because they change
# nothing observable are marked where they are, with the reason (see docs/testing.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$PATH:$HOME/.dotnet/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet stryker --version >/dev/null 2>&1; then
    dotnet tool install --global dotnet-stryker --version 5.1.0 >/dev/null
fi

projects=("$@")
[ ${#projects[@]} -gt 0 ] || projects=(domain application)

status=0
for project in "${projects[@]}"; do
    case "$project" in
        domain) dir="$root/src/Sessions.Domain" ;;
        application) dir="$root/src/Sessions.Application" ;;
        *) echo "unknown project '$project': domain or application" >&2; exit 2 ;;
    esac
    out="$root/.artifacts/mutation/$project"
    rm -rf "$out"
    echo "=== Mutation score of Sessions.${project^} ==="
    if ! (cd "$dir" && dotnet stryker --config-file "$root/tests/mutation/$project.json" --output "$out" 2>&1 \
        | grep -E "mutants|Killed|Survived|Timeout|mutation score|threshold|Error|error" ); then
        status=1
    fi
    report="$out/reports/mutation-report.json"
    [ -f "$report" ] || { echo "no report for $project" >&2; status=1; continue; }
    python3 "$root/tests/mutation/score.py" "$report" "$root/tests/mutation/$project.json" || status=1
done
exit $status
