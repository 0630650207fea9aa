#!/usr/bin/env bash
# Every emulated platform as curl sees it over real HTTPS: `sclab emulate --port 0` with the default lab, curl
# trusting the lab CA and pinning every name to the emulator (--connect-to, so the Apps Script redirect to
# script.googleusercontent.com:443 reaches it too). Checks status codes, the headers FIDELITY.md names, bodies,
# limits and the Apps Script redirect followed with -L to its content.
# Usage: curl_platforms_test.sh SCLAB_BINARY SOURCE_DIR
set -euo pipefail
SCLAB=$1
SRC=$2
WORK=$(mktemp -d)
EMULATOR_PID=
cleanup() {
    if [[ -n $EMULATOR_PID ]]; then kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

command -v curl >/dev/null || { echo "curl is not installed: cannot run this test (make test installs it)" >&2; exit 1; }

: >"$WORK/emulate.out"  # before the background job opens them: the polling below must never read a missing file
: >"$WORK/emulate.err"
"$SCLAB" emulate --port 0 --state "$WORK/state" --logs "$WORK/logs" --seed 7 \
    --lab "$SRC/emulators/labs/default.json" --profiles "$SRC/emulators/profiles/platforms.json" \
    >"$WORK/emulate.out" 2>"$WORK/emulate.err" &
EMULATOR_PID=$!
PORT=
for _ in $(seq 1 300); do  # up to 30 s: the first start makes the lab CA, slow under the sanitizers
    PORT=$(sed -n 's/^sclab emulate: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/emulate.out")
    [[ -n $PORT ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -n $PORT ]] || { echo "FAIL: sclab emulate did not start: $(cat "$WORK/emulate.err")" >&2; exit 1; }

# fetch URL [curl options...]: status in $STATUS, headers in $WORK/h, body in $WORK/b.
fetch() {
    local url=$1; shift
    STATUS=$(curl -sS --cacert "$WORK/state/lab-ca.pem" --connect-to "::127.0.0.1:$PORT" \
        -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$@" "$url") || { fail "curl $url failed"; STATUS=000; }
    tr -d '\r' <"$WORK/h" >"$WORK/h.clean" && mv "$WORK/h.clean" "$WORK/h"
}
expect_status() { [[ $STATUS == "$1" ]] || fail "$2: status $STATUS, wanted $1"; }
# expect_header NAME REGEX CONTEXT: the last response's header NAME (any case) matches the extended regex.
expect_header() {
    local value
    value=$(grep -i "^$1: " "$WORK/h" | tail -1 | cut -d' ' -f2-) || true
    [[ $value =~ $2 ]] || fail "$3: header $1 is '$value', wanted /$2/"
}
expect_no_header() { ! grep -qi "^$1:" "$WORK/h" || fail "$2: header $1 should be absent"; }
expect_body() { [[ $(cat "$WORK/b") == "$1" ]] || fail "$2: body '$(head -c 200 "$WORK/b")', wanted '$1'"; }
expect_body_size() { [[ $(stat -c %s "$WORK/b") == "$1" ]] || fail "$2: body of $(stat -c %s "$WORK/b") bytes, wanted $1"; }
expect_body_grep() { grep -q -- "$1" "$WORK/b" || fail "$2: '$1' not in the body"; }

HTTP_DATE='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
UUID='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
GOOGLE_ALT_SVC='^h3=":443"; ma=2592000,h3-29=":443"; ma=2592000$'

# --- Cloudflare Workers and Pages
W=https://df00tech-sentinel-test.argustest.workers.dev
fetch "$W/"
expect_status 200 workers
expect_header Date "$HTTP_DATE" workers
expect_header Content-Type '^text/plain;charset=UTF-8$' workers
expect_header Server '^cloudflare$' workers
expect_header CF-RAY '^[0-9a-f]{16}-[A-Z]{3}$' workers
expect_header NEL '^\{"success_fraction":0,"report_to":"cf-nel","max_age":604800\}$' workers
expect_header Report-To '^\{"endpoints":\[\{"url":"https:\\/\\/a\.nel\.cloudflare\.com\\/report\\/v4\?s=' workers
expect_header alt-svc '^h3=":443"; ma=86400$' workers
expect_no_header cf-cache-status workers
expect_header Connection '^keep-alive$' "workers (as the real edge sends it)"
expect_body_size 64 workers
fetch "$W/" -H 'X-Sclab-Response-Bytes: 1000'
expect_body_size 1000 "workers with X-Sclab-Response-Bytes"
fetch "$W/result" --data-binary 'collected output'
expect_status 200 "workers result upload"
expect_body_size 16 "workers result upload"
fetch "$W/" -H 'X-Sclab-Fail: exception'
expect_status 500 "workers exception"
expect_body_grep '<span class="cf-error-code">1101</span>' "workers exception"
fetch https://nobody-here.argustest.workers.dev/
expect_status 404 "unknown worker"
fetch https://df00tech-argus-pages.pages.dev/
expect_status 200 pages
expect_header access-control-allow-origin '^\*$' pages

# --- AWS Lambda function URLs and API Gateway
L=https://abcde12345fghij.lambda-url.us-east-1.on.aws
fetch "$L/"
expect_status 200 "lambda url"
expect_header Content-Type '^application/json$' "lambda url"
expect_header x-amzn-RequestId "$UUID" "lambda url"
expect_header X-Amzn-Trace-Id '^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0;Lineage=1:[0-9a-f]{8}:0$' "lambda url"
expect_body_size 64 "lambda url"
fetch https://zzzz0000.lambda-url.us-east-1.on.aws/
expect_status 403 "unknown url-id"
expect_header x-amzn-ErrorType '^AccessDeniedException$' "unknown url-id"
expect_body '{"Message":null}' "unknown url-id"
head -c 6291457 /dev/zero >"$WORK/too_big"
fetch "$L/result" --data-binary @"$WORK/too_big" -H 'Content-Type: application/octet-stream'
expect_status 413 "lambda url over 6 MB"
fetch "$L/" -H 'X-Sclab-Fail: exception'
expect_status 502 "lambda url function error"
fetch https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/
expect_status 200 "rest api"
expect_header x-amzn-RequestId "$UUID" "rest api"
expect_header x-amz-apigw-id '^[A-Za-z0-9+/]{15}=$' "rest api"
expect_no_header apigw-requestid "rest api"
fetch https://h7k2m9p4q1.execute-api.us-east-1.amazonaws.com/
expect_status 200 "http api"
expect_header apigw-requestid '^[A-Za-z0-9+/]{15}=$' "http api"

# --- Google Apps Script: the 302, then the echo host
EXEC=https://script.google.com/macros/s/AKfycbz8Xq2Lr5Tn0VwB3yHd7Kp1Mf4Gs9Jc6Ne_Ua-Wo2Ri5Zt8Qv1Ly4Hb7Dk0Px3Cg6Sm9/exec
fetch "$EXEC"
expect_status 302 "apps script exec"
grep -q '^HTTP/1.1 302 Moved Temporarily$' "$WORK/h" || fail "apps script exec: status line is $(head -1 "$WORK/h")"
expect_header Location '^https://script\.googleusercontent\.com/macros/echo\?user_content_key=[A-Za-z0-9_-]+&lib=M[A-Za-z0-9]{32}$' "apps script exec"
expect_header Content-Type '^text/html; charset=UTF-8$' "apps script exec"
expect_header Cache-Control '^no-cache, no-store, max-age=0, must-revalidate$' "apps script exec"
expect_header Pragma '^no-cache$' "apps script exec"
expect_header Expires '^Mon, 01 Jan 1990 00:00:00 GMT$' "apps script exec"
expect_header X-Content-Type-Options '^nosniff$' "apps script exec"
expect_header X-Frame-Options '^SAMEORIGIN$' "apps script exec"
expect_header X-XSS-Protection '^1; mode=block$' "apps script exec"
expect_header Server '^GSE$' "apps script exec"
ECHO_URL=$(grep -i '^Location: ' "$WORK/h" | cut -d' ' -f2-)
fetch "$ECHO_URL" -X POST --data-binary 'x'
expect_status 405 "apps script echo POST"
fetch "$EXEC" -L
expect_status 200 "apps script exec followed"
expect_body_size 64 "apps script exec followed"
grep -qE '^[0-9a-f]{64}$' "$WORK/b" || fail "apps script exec followed: the task is not the relay's hex"
fetch "$EXEC/result" -L --data-binary 'exfil'
expect_status 200 "apps script POST followed (curl turns it into a GET on the 302)"
expect_body_size 16 "apps script POST followed"

# --- Google Cloud Functions and Cloud Run
fetch https://us-central1-df00tech-argus-test.cloudfunctions.net/df00tech-beacon
expect_status 200 "cloud function"
expect_header function-execution-id '^[a-z0-9]{12}$' "cloud function"
expect_header x-cloud-trace-context '^[0-9a-f]{32};o=1$' "cloud function"
expect_header Server '^Google Frontend$' "cloud function"
expect_header alt-svc "$GOOGLE_ALT_SVC" "cloud function"
fetch https://us-central1-df00tech-argus-test.cloudfunctions.net/missing
expect_status 404 "unknown cloud function"
fetch https://df00tech-relay-3xq7lz5kpa-uc.a.run.app/
expect_status 200 "cloud run"
expect_header x-cloud-trace-context '^[0-9a-f]{32};o=1$' "cloud run"
expect_no_header function-execution-id "cloud run"

# --- Generic platforms: each with its Server header
for pair in "df00tech-relay.cloudflareworkers.com=cloudflare" "df00tech-relay.azurewebsites.net=Microsoft-IIS/10.0" \
            "df00tech-relay.blackforest-1a2b3c4d.eastus.azurecontainerapps.io=envoy" "df00tech-relay.netlify.app=Netlify" \
            "df00tech-relay.vercel.app=Vercel" "abcdefghijklmnopqrst.supabase.co=cloudflare" \
            "df00tech-relay.deno.dev=deno/gcp-us-east4"; do
    host=${pair%%=*}
    server=${pair#*=}
    fetch "https://$host/"
    expect_status 200 "$host"
    expect_header Server "^${server}\$" "$host"
    expect_body_size 64 "$host"
done

# --- --hosts lists the data plane's names
"$SCLAB" emulate --hosts --lab "$SRC/emulators/labs/default.json" >"$WORK/hosts"
for host in df00tech-sentinel-test.argustest.workers.dev abcde12345fghij.lambda-url.us-east-1.on.aws \
            script.google.com script.googleusercontent.com us-central1-df00tech-argus-test.cloudfunctions.net; do
    grep -q "^127.0.0.1 $host\$" "$WORK/hosts" || fail "--hosts does not list $host"
done

if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all checks passed"
