// Checks the soak's ECS access log record by record: every line is one whole JSON object, every record is a
// request of the mix that got the status the mix says, and every connection it names is in the PAN-OS traffic
// log (so requests and connections reconcile too). Prints on stdout, for emulator_soak.sh:
//   records N / sessions N / status CODE COUNT (one line per status)
// and every problem on stderr (the first 10), exiting 1 when there was one.
// Usage: node check_access_ecs.js REQUEST_MIX.tsv access.ecs.jsonl traffic.panos.csv
'use strict';
const fs = require('fs');
const readline = require('readline');

const [mixPath, ecsPath, panosPath] = process.argv.slice(2);
if (!panosPath) {
  console.error('usage: node check_access_ecs.js REQUEST_MIX.tsv access.ecs.jsonl traffic.panos.csv');
  process.exit(2);
}

let problems = 0;
function problem(text) {
  if (++problems <= 10) console.error(text);
}

// "METHOD URL" -> the status that request must get.
function loadMix(path) {
  const expected = new Map();
  for (const line of fs.readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [, method, host, urlPath, status] = line.split('\t');
    expected.set(`${method} https://${host}${urlPath}`, Number(status));
  }
  return expected;
}

// The last byte of a non-empty log must end a record: a cut last line is a lost record.
function endsWhole(path) {
  const size = fs.statSync(path).size;
  if (size === 0) return true;
  const fd = fs.openSync(path, 'r');
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  fs.closeSync(fd);
  return last[0] === 0x0a;
}

async function eachLine(path, fn) {
  const lines = readline.createInterface({ input: fs.createReadStream(path), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) fn(line, ++number);
}

async function main() {
  const expected = loadMix(mixPath);
  for (const path of [ecsPath, panosPath])
    if (!endsWhole(path)) problem(`${path}: the last line is cut (no newline at the end of the file)`);

  // PAN-OS TRAFFIC CSV: column 23 (index 22) is the Session ID.
  const panosSessions = new Set();
  await eachLine(panosPath, (line) => panosSessions.add(line.split(',')[22]));

  const statuses = new Map();
  const sessions = new Set();
  let records = 0;
  await eachLine(ecsPath, (line, n) => {
    const where = `${ecsPath}:${n}`;
    let r;
    try {
      r = JSON.parse(line);
    } catch (e) {
      problem(`${where}: not one whole JSON object (${e.message}): ${line.slice(0, 120)}`);
      return;
    }
    ++records;
    const method = r?.http?.request?.method;
    const url = r?.url?.original;
    const status = r?.http?.response?.status_code;
    const session = r?.sclab?.network?.session_id;
    statuses.set(status, (statuses.get(status) || 0) + 1);
    const want = expected.get(`${method} ${url}`);
    if (want === undefined) problem(`${where}: ${method} ${url} is not a request of the mix`);
    else if (status !== want) problem(`${where}: ${method} ${url} got ${status}, the mix expects ${want}`);
    if (session === undefined) problem(`${where}: no sclab.network.session_id`);
    else if (!sessions.has(session)) {
      sessions.add(session);
      if (!panosSessions.has(session)) problem(`${where}: connection ${session} is not in ${panosPath}`);
    }
  });

  console.log(`records ${records}`);
  console.log(`sessions ${sessions.size}`);
  for (const [status, n] of statuses) console.log(`status ${status} ${n}`);
  if (problems > 10) console.error(`... and ${problems - 10} more problems`);
  process.exit(problems ? 1 : 0);
}

main().catch((e) => {
  console.error(`check_access_ecs.js: ${e.message}`);
  process.exit(2);
});
