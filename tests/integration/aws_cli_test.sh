#!/usr/bin/env bash
# The AWS CLI (Debian's awscli) against the emulated Lambda control plane over real HTTPS: `aws lambda
# list-functions / get-function / invoke` with --endpoint-url https://127.0.0.1:PORT and the lab CA in
# AWS_CA_BUNDLE, SigV4 verified with the lab's secret; then the CloudTrail records those calls left.
# The CLI never leaves the machine: explicit credentials and region, no config files, no instance metadata,
# and a dead proxy for anything but 127.0.0.1.
# Usage: aws_cli_test.sh SCLAB_BINARY SOURCE_DIR
set -euo pipefail
source "$(dirname "$0")/control_plane_lib.sh" "$@"

AWS=${AWS_CLI:-/usr/bin/aws}
[[ -x $AWS ]] || AWS=$(command -v aws || true)
[[ -n $AWS ]] || { echo "the AWS CLI is not installed (apt-get install awscli): cannot run this test (make test installs it)" >&2; exit 1; }

KEY=AKIAINTEGRATION00001
SECRET='integration/Secret+Key0000000000000000001'
cat >"$WORK/lab.json" <<JSON
{
  "name": "aws-cli-integration",
  "aws": [{"id": "210987654321",
           "credentials": [
             {"access_key_id": "$KEY", "secret_access_key": "$SECRET",
              "user_arn": "arn:aws:iam::210987654321:user/lab-operator", "principal_id": "AIDAINTEGRATION00001"},
             {"access_key_id": "AKIALISTONLY00000002", "secret_access_key": "",
              "user_arn": "arn:aws:iam::210987654321:user/auditor", "principal_id": "AIDAAUDITOR000000002",
              "allowed_actions": ["lambda:ListFunctions"]}],
           "functions": [
             {"name": "relay-fn", "region": "us-east-1", "relay": {"task_bytes": 40}},
             {"name": "other-region-fn", "region": "eu-west-1"}]}]
}
JSON
start_emulator "$WORK/lab.json"

export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CA_BUNDLE=$CA AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1
unset AWS_SESSION_TOKEN AWS_PROFILE
lambda() { "$AWS" --endpoint-url "https://127.0.0.1:$PORT" --output json lambda "$@"; }

expect_rc 0 lambda list-functions
expect_grep '"FunctionName": "relay-fn"' "$WORK/out"
grep -q other-region-fn "$WORK/out" && fail "list-functions in us-east-1 listed a eu-west-1 function"
expect_grep '"FunctionArn": "arn:aws:lambda:us-east-1:210987654321:function:relay-fn"' "$WORK/out"

expect_rc 0 lambda get-function --function-name relay-fn
expect_grep '"RepositoryType": "S3"' "$WORK/out"
expect_rc 0 lambda get-function --function-name arn:aws:lambda:us-east-1:210987654321:function:relay-fn

expect_rc 0 lambda invoke --function-name relay-fn --log-type Tail --cli-binary-format raw-in-base64-out \
    --payload '{"checkin":1}' "$WORK/payload.json"
expect_grep '"StatusCode": 200' "$WORK/out"
expect_grep '"ExecutedVersion": "$LATEST"' "$WORK/out"
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); assert b["statusCode"] == 200 and len(b["body"]) == 40' \
    "$WORK/payload.json" || fail "invoke output is not the relay's task: $(cat "$WORK/payload.json")"
python3 -c 'import json,sys,base64; r=json.load(open(sys.argv[1])); assert base64.b64decode(r["LogResult"]).startswith(b"START RequestId: ")' \
    "$WORK/out" || fail "LogResult is not a Lambda tail log"

expect_rc 0 lambda invoke --function-name relay-fn --invocation-type Event "$WORK/payload.json"
expect_grep '"StatusCode": 202' "$WORK/out"
expect_rc 0 lambda invoke --function-name relay-fn --invocation-type DryRun "$WORK/payload.json"
expect_grep '"StatusCode": 204' "$WORK/out"
expect_rc 0 lambda invoke --function-name relay-fn --cli-binary-format raw-in-base64-out --payload '{"sclab_raise":1}' \
    "$WORK/payload.json"
expect_grep '"FunctionError": "Unhandled"' "$WORK/out"

expect_rc 254 lambda get-function --function-name no-such-fn
expect_grep 'ResourceNotFoundException' "$WORK/err"
AWS_ACCESS_KEY_ID=AKIANOTINTHELAB00009 expect_rc 254 lambda list-functions
expect_grep 'UnrecognizedClientException' "$WORK/err"
expect_grep 'The security token included in the request is invalid' "$WORK/err"
AWS_SECRET_ACCESS_KEY=wrong-secret expect_rc 254 lambda list-functions
expect_grep 'InvalidSignatureException' "$WORK/err"
AWS_ACCESS_KEY_ID=AKIALISTONLY00000002 expect_rc 0 lambda list-functions
AWS_ACCESS_KEY_ID=AKIALISTONLY00000002 expect_rc 254 lambda invoke --function-name relay-fn "$WORK/payload.json"
expect_grep 'AccessDeniedException' "$WORK/err"

stop_emulator
TRAIL="$WORK/logs/cloudtrail.jsonl"
[[ -s $TRAIL ]] || { fail "no CloudTrail log was written"; finish; }
expect_json "$TRAIL" 'len(records) == 12' "every API call leaves one CloudTrail record (12 calls)"
expect_json "$TRAIL" 'all(r["eventSource"] == "lambda.amazonaws.com" and r["awsRegion"] == "us-east-1" and r["sourceIPAddress"] == "127.0.0.1" and r["userAgent"].startswith("aws-cli/") for r in records)' \
    "records carry eventSource, awsRegion, sourceIPAddress and the CLI's userAgent"
expect_json "$TRAIL" '[r["eventName"] for r in records][:3] == ["ListFunctions20150331", "GetFunction20150331", "GetFunction20150331"]' \
    "management events are named with the API version"
expect_json "$TRAIL" 'all(r["managementEvent"] is False and r["eventCategory"] == "Data" and r["readOnly"] is False for r in records if r["eventName"] == "Invoke")' \
    "Invoke is a data event"
expect_json "$TRAIL" '[r["requestParameters"]["invocationType"] for r in records if r["eventName"] == "Invoke" and "errorCode" not in r] == ["RequestResponse", "Event", "DryRun", "RequestResponse"]' \
    "Invoke records carry the invocation type"
expect_json "$TRAIL" 'records[0]["userIdentity"]["type"] == "IAMUser" and records[0]["userIdentity"]["accessKeyId"] == "AKIAINTEGRATION00001" and records[0]["userIdentity"]["arn"] == "arn:aws:iam::210987654321:user/lab-operator" and records[0]["recipientAccountId"] == "210987654321"' \
    "userIdentity names the caller"
expect_json "$TRAIL" '[r.get("errorCode") for r in records if r.get("errorCode")] == ["ResourceNotFoundException", "UnrecognizedClientException", "InvalidSignatureException", "AccessDenied"]' \
    "denied and failed calls carry errorCode"
expect_no_secret_in_logs "$SECRET" "AWS4-HMAC-SHA256"
finish
