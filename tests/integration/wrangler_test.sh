#!/usr/bin/env bash
# The real wrangler (the version pinned in scripts/wrangler.version, installed by scripts/install-deps.sh)
# against the emulated Cloudflare API over real HTTPS: `wrangler deploy` of a new Worker, a second deploy of it,
# the Worker answering on workers.dev, `wrangler delete`, and a deploy with a bad token; then the Cloudflare
# audit records of every change.
# wrangler never leaves the machine: CLOUDFLARE_API_BASE_URL points at the emulator, metrics are off, the npm
# registry of its update check is a dead loopback port, and HOME is a fresh directory.
# Usage: wrangler_test.sh SCLAB_BINARY SOURCE_DIR
set -euo pipefail
source "$(dirname "$0")/control_plane_lib.sh" "$@"

WRANGLER="$SRC/third_party/wrangler/node_modules/.bin/wrangler"
command -v node >/dev/null || { echo "node is not installed: cannot run this test (make test installs it)" >&2; exit 1; }
[[ -x $WRANGLER ]] || { echo "wrangler is not installed (bash scripts/install-deps.sh): cannot run this test (make test installs it)" >&2; exit 1; }

ACCOUNT=5c1ab0c0ffee4e8fa0c5b1d2e3f40516
TOKEN=integration-cloudflare-token-0000000001
cat >"$WORK/lab.json" <<JSON
{
  "name": "wrangler-integration",
  "cloudflare": [{"id": "$ACCOUNT", "name": "integration", "subdomain": "itsub", "email": "operator@lab.example",
                  "api_tokens": ["$TOKEN"], "workers": [{"name": "lab-existing"}]}]
}
JSON
start_emulator "$WORK/lab.json"

mkdir -p "$WORK/project" "$WORK/home"
cat >"$WORK/project/wrangler.toml" <<'TOML'
name = "c2-worker"
main = "index.js"
compatibility_date = "2024-09-23"
TOML
cat >"$WORK/project/index.js" <<'JS'
export default { async fetch(request) { return new Response("task"); } };
JS

export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
export CLOUDFLARE_API_BASE_URL="https://127.0.0.1:$PORT/client/v4" CLOUDFLARE_API_TOKEN=$TOKEN CLOUDFLARE_ACCOUNT_ID=$ACCOUNT
export NODE_EXTRA_CA_CERTS=$CA WRANGLER_SEND_METRICS=false CI=true NO_COLOR=1
export npm_config_registry=http://127.0.0.1:9/
unset CLOUDFLARE_API_KEY CLOUDFLARE_EMAIL CLOUDFLARE_ENV
wrangler() { (cd "$WORK/project" && "$WRANGLER" "$@"); }

expect_rc 0 wrangler deploy
expect_grep "Uploaded c2-worker" "$WORK/out"
expect_grep "https://c2-worker.itsub.workers.dev" "$WORK/out"
expect_grep "Current Version ID: [0-9a-f-]\{36\}" "$WORK/out"

# The new Worker answers on workers.dev (the emulator's data plane heard about the deploy).
if command -v curl >/dev/null; then
    status=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$CA" --connect-to "::127.0.0.1:$PORT" \
        https://c2-worker.itsub.workers.dev/) || status=000
    [[ $status == 200 ]] || fail "the deployed Worker answers $status on workers.dev, wanted 200"
fi

echo 'export default { async fetch() { return new Response("task v2"); } };' >"$WORK/project/index.js"
expect_rc 0 wrangler deploy
expect_grep "Uploaded c2-worker" "$WORK/out"

expect_rc 0 wrangler delete
expect_grep "Successfully deleted c2-worker" "$WORK/out"

CLOUDFLARE_API_TOKEN=not-the-lab-token expect_rc 1 wrangler deploy
cat "$WORK/out" >>"$WORK/err"
expect_grep "Authentication error \[code: 10000\]" "$WORK/err"

stop_emulator
AUDIT="$WORK/logs/cloudflare-audit.jsonl"
[[ -s $AUDIT ]] || { fail "no Cloudflare audit log was written"; finish; }
expect_json "$AUDIT" '[(r["ActionType"], r["Metadata"]["operation"]) for r in records] == [("create", "upload"), ("update", "workers_dev_subdomain"), ("update", "version_upload"), ("update", "deploy"), ("update", "settings"), ("update", "workers_dev_subdomain"), ("delete", "delete")]' \
    "each change of deploy, redeploy and delete is one audit record, in order"
expect_json "$AUDIT" 'all(r["ActionResult"] is True and r["ActorEmail"] == "operator@lab.example" and r["ActorIP"] == "127.0.0.1" and r["Interface"] == "API" and r["OwnerID"] == "5c1ab0c0ffee4e8fa0c5b1d2e3f40516" and r["ResourceType"] == "script" and r["ResourceID"] == "c2-worker" and r["Metadata"]["script_name"] == "c2-worker" for r in records)' \
    "records name the actor, address, interface, account and script"
expect_json "$AUDIT" 'records[0]["NewValue"]["main_module"] == "index.js" and records[-1]["OldValue"]["id"] == "c2-worker"' \
    "upload and delete carry the new and old script"
expect_no_secret_in_logs "$TOKEN"
finish
