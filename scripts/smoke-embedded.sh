#!/usr/bin/env bash
# Embedded-mode smoke test: what a newcomer does after `npm install`.
#
#   `npm start` with no DATABASE_URL / REDIS_URL / AMQP_URL (embedded Postgres, in-memory
#   stand-ins) → gateway /health answers 200 → register → login → me through the gateway
#   → the verification and welcome mails arrive in the development mailbox (/dev/mail, the SMTP sink)
#   → cart, checkout, payment intent, `npm run simulate-payment` → PAID → FULFILLED with a license key,
#     and the receipt mail holds it
#   → the playground page is served → Ctrl-C (SIGINT to the process group) stops everything
#   within 20 s.
#
# Runs from any directory; needs curl, setsid and ps. State goes to a temporary DATA_DIR
# that is removed afterwards (SMOKE_KEEP=1 keeps it). Knobs: GATEWAY_PORT (4000),
# SMOKE_START_TIMEOUT (120 s, includes the `prestart` build), SMOKE_STOP_TIMEOUT (20 s);
# `npm start` also reads <SUBGRAPH>_PORT, EMBEDDED_POSTGRES_PORT (54320) and MAIL_SINK_PORT (1025), so the whole
# run can move off the default ports when something else holds them.
set -euo pipefail
cd "$(dirname "$0")/.."

# Embedded mode means none of these; unset them even if the caller did not.
unset DATABASE_URL REDIS_URL AMQP_URL

port="${GATEWAY_PORT:-4000}"
base="http://127.0.0.1:${port}"
start_timeout="${SMOKE_START_TIMEOUT:-120}"
stop_timeout="${SMOKE_STOP_TIMEOUT:-20}"

work="$(mktemp -d -t marketplace-smoke.XXXXXX)"
# Embedded Postgres runs as the `postgres` user when we are root: it must reach DATA_DIR.
chmod 755 "$work"
mkdir -m 777 "$work/data"
export DATA_DIR="$work/data"
log="$work/server.log"

passed=0
failed=0
server_pid=""
pgid=""

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Is any process of the server's group still running? (Zombies do not count: npm stays one
# until this shell reaps it.)
group_alive() {
  [ -n "$pgid" ] && ps -e -o pgid=,stat= | awk -v g="$pgid" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
group_members() { ps -e -o pgid=,pid=,args= | awk -v g="$pgid" '$1 == g { $1 = ""; print }' | tr '\n' ';'; }

finish() {
  local status=$?
  trap - EXIT INT TERM
  if group_alive; then
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do group_alive || break; sleep 0.5; done
    if group_alive; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
  fi
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then fail "smoke test aborted (exit $status)"; fi
  if [ "$failed" -gt 0 ]; then
    echo "----- server log (last 200 lines of $log) -----"
    tail -n 200 "$log" 2>/dev/null || echo "(no log)"
    echo "----- end of server log -----"
  fi
  if [ "${SMOKE_KEEP:-}" = 1 ]; then echo "smoke: kept $work"; else rm -rf "$work"; fi
  echo "smoke: $passed passed, $failed failed"
  if [ "$failed" -gt 0 ]; then exit 1; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# POSTs a GraphQL operation to the gateway: gql QUERY [ACCESS_TOKEN]. Prints the body.
gql() {
  local body
  body="$(node -e 'process.stdout.write(JSON.stringify({ query: process.argv[1] }))' "$1")"
  local args=(-sS --max-time 15 -X POST -H 'content-type: application/json' --data "$body")
  if [ -n "${2:-}" ]; then args+=(-H "authorization: Bearer $2"); fi
  curl "${args[@]}" "$base/graphql" || true
}

# Reads a GraphQL response on stdin and prints the value at a dotted path; fails, saying
# why on stderr, when the body is not JSON, has errors, or lacks the value.
field() {
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  node -e '
    let raw = "";
    process.stdin.on("data", (chunk) => (raw += chunk)).on("end", () => {
      const path = process.argv[1];
      let body;
      try { body = JSON.parse(raw); } catch { console.error(`not JSON: ${raw.slice(0, 400)}`); process.exit(1); }
      if (body.errors) { console.error(`errors: ${JSON.stringify(body.errors).slice(0, 600)}`); process.exit(1); }
      const value = path.split(".").reduce((node, key) => (node == null ? node : node[key]), body);
      if (value === undefined || value === null || value === "") { console.error(`no ${path} in ${raw.slice(0, 400)}`); process.exit(1); }
      process.stdout.write(String(value));
    });
  ' "$1"
}

# --- start -------------------------------------------------------------------------------
if curl -s -o /dev/null --max-time 2 "$base/health"; then
  fail "something already answers on $base; stop it first"
  exit 1
fi

echo "smoke: npm start (DATA_DIR=$DATA_DIR, log $log)"
# setsid: npm, node and embedded Postgres get a process group of their own, like a
# terminal's foreground job, so SIGINT below reaches all of them as Ctrl-C would.
setsid npm start >"$log" 2>&1 </dev/null &
server_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  pgid="$(ps -o pgid= -p "$server_pid" 2>/dev/null | tr -d ' ' || true)"
  [ "$pgid" = "$server_pid" ] && break
  sleep 0.1
done
if [ "$pgid" != "$server_pid" ]; then
  fail "npm start did not get a process group of its own (pgid '$pgid', pid $server_pid)"
  exit 1
fi

started=$SECONDS
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base/health" || true)" = 200 ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    fail "npm start exited before $base/health answered 200"
    exit 1
  fi
  if [ $((SECONDS - started)) -ge "$start_timeout" ]; then
    fail "$base/health did not answer 200 within ${start_timeout}s"
    exit 1
  fi
  sleep 1
done
pass "gateway $base/health answered 200 after $((SECONDS - started))s"

# --- register → login → me ---------------------------------------------------------------
email="smoke-$(date +%s)-$$@example.com"
password="Smoke-test-passw0rd"

response="$(gql "mutation { register(input: {email: \"$email\", password: \"$password\", displayName: \"Smoke Test\"}) { accessToken refreshToken expiresIn user { id email } } }")"
if registered="$(field data.register.user.email <<<"$response")" && [ "$registered" = "$email" ] \
  && field data.register.accessToken <<<"$response" >/dev/null; then
  pass "register returned tokens for $email"
else
  fail "register: ${response:0:600}"
fi

token=""
response="$(gql "mutation { login(input: {email: \"$email\", password: \"$password\"}) { accessToken refreshToken expiresIn user { id email } } }")"
if token="$(field data.login.accessToken <<<"$response")" && field data.login.refreshToken <<<"$response" >/dev/null; then
  pass "login returned an access token"
else
  fail "login: ${response:0:600}"
fi

response="$(gql "query { me { id email displayName role } }" "$token")"
if me="$(field data.me.email <<<"$response")" && [ "$me" = "$email" ]; then
  pass "me (Bearer token) is $me, role $(field data.me.role <<<"$response" 2>/dev/null || echo '?')"
else
  fail "me: expected $email, got ${response:0:600}"
fi

# --- the account and notification mails went over SMTP to npm start's sink, shown at /dev/mail ---
# The id of the newest mail to $email whose subject starts with $1, polled for up to 10 s.
mail_to() {
  local id=""
  for _ in $(seq 1 20); do
    id="$(curl -sS --max-time 5 -H 'accept: application/json' "$base/dev/mail" 2>/dev/null | node -e '
      let raw = "";
      process.stdin.on("data", (chunk) => (raw += chunk)).on("end", () => {
        try {
          const [to, subject] = process.argv.slice(1);
          const found = JSON.parse(raw).mails.find((m) => m.to.includes(to) && m.subject.startsWith(subject));
          if (found) process.stdout.write(found.id);
        } catch {}
      });
    ' "$email" "$1" || true)"
    [ -n "$id" ] && break
    sleep 0.5
  done
  printf '%s' "$id"
}

mail="$(mail_to 'Confirm your email address')" # the users subgraph's, on user.registered
# The parsed text (the raw source may be quoted-printable, where "=" reads "=3D").
if [ -n "$mail" ] && curl -sS --max-time 5 -H 'accept: application/json' "$base/dev/mail/$mail" | grep -q 'verify-email?token='; then
  pass "the verification mail to $email is in the development mailbox ($base/dev/mail/$mail)"
else
  fail "no verification mail to $email at $base/dev/mail"
fi
welcome="$(mail_to 'Welcome to')" # the notifications subgraph's, through its mail outbox
if [ -n "$welcome" ]; then
  pass "the welcome mail to $email is in the development mailbox ($base/dev/mail/$welcome)"
else
  fail "no welcome mail to $email at $base/dev/mail"
fi

# --- buy: cart → checkout → intent → signed webhook (simulate-payment CLI) → FULFILLED ------
product="$(gql "{ products(first: 1) { edges { node { id } } } }" | field data.products.edges.0.node.id || true)"
order=""
for _ in $(seq 1 20); do # the orders replica learns the seeded products through events
  response="$(gql "mutation { addToCart(input: { productId: \"$product\" }) { cart { itemCount } } }" "$token")"
  field data.addToCart.cart.itemCount <<<"$response" >/dev/null 2>&1 && break
  sleep 0.5
done
response="$(gql "mutation { checkout(input: { idempotencyKey: \"smoke-$$\", billing: { name: \"Smoke Test\", country: \"DE\" } }) { order { id status } } }" "$token")"
if order="$(field data.checkout.order.id <<<"$response")"; then
  pass "checkout made order $order ($(field data.checkout.order.status <<<"$response"))"
else
  fail "checkout: ${response:0:600}"
fi
for _ in $(seq 1 20); do # payments learns the order from order.created
  response="$(gql "mutation { createPaymentIntent(input: { orderId: \"$order\" }) { clientSecret } }" "$token")"
  field data.createPaymentIntent.clientSecret <<<"$response" >/dev/null 2>&1 && break
  sleep 0.5
done
# simulate-payment looks for the gateway and the embedded Postgres on their default ports;
# it is told where they are only when a knob moved them (the default run is a newcomer's).
simulate=(npm run -s simulate-payment --)
if [ -n "${GATEWAY_PORT:-}${EMBEDDED_POSTGRES_PORT:-}" ]; then
  simulate=(env "STRIPE_WEBHOOK_URL=$base/webhooks/stripe"
    "DATABASE_URL=postgres://postgres:postgres@127.0.0.1:${EMBEDDED_POSTGRES_PORT:-54320}/marketplace" "${simulate[@]}")
fi
if field data.createPaymentIntent.clientSecret <<<"$response" >/dev/null && "${simulate[@]}" "$order" succeeded; then
  status=""
  for _ in $(seq 1 20); do
    status="$(gql "{ order(id: \"$order\") { status } }" "$token" | field data.order.status || true)"
    [ "$status" = FULFILLED ] && break
    sleep 0.5
  done
  key="$(gql "{ me { licenses { edges { node { key } } } } }" "$token" | field data.me.licenses.edges.0.node.key || true)"
  if [ "$status" = FULFILLED ] && [ "${key:0:4}" = MP1. ]; then
    pass "npm run simulate-payment delivered a signed webhook; the order is paid and FULFILLED with license key ${key:0:16}…"
  else
    fail "order $order is $status (expected FULFILLED), license key '${key:0:20}'"
  fi
  receipt="$(mail_to 'Your receipt for order')" # on order.licensed, with the keys
  if [ -n "$receipt" ] && [ -n "$key" ] &&
    curl -sS --max-time 5 -H 'accept: application/json' "$base/dev/mail/$receipt" | grep -qF "$key"; then
    pass "the receipt mail in the development mailbox holds the license key ($base/dev/mail/$receipt)"
  else
    fail "no receipt mail with the license key to $email at $base/dev/mail"
  fi
else
  fail "payment intent / simulate-payment: ${response:0:600}"
fi

# --- playground ----------------------------------------------------------------------------
html="$(curl -sS --max-time 10 -H 'accept: text/html' "$base/graphql" || true)"
if grep -qi graphiql <<<"$html"; then
  pass "GET /graphql (accept: text/html) serves the GraphiQL playground"
else
  fail "GET /graphql (accept: text/html) has no graphiql: ${html:0:300}"
fi

# --- Ctrl-C --------------------------------------------------------------------------------
kill -INT -- "-$pgid"
stopped=$SECONDS
while group_alive && [ $((SECONDS - stopped)) -lt "$stop_timeout" ]; do sleep 0.2; done
if group_alive; then
  fail "processes still running ${stop_timeout}s after SIGINT:$(group_members)"
else
  code=0
  wait "$server_pid" || code=$?
  pass "SIGINT stopped npm start and its children in $((SECONDS - stopped))s (npm exit $code)"
fi
