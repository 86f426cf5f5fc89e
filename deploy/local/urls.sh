#!/usr/bin/env bash
# Print where to look once the platform is up.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_platform_env
u=http://127.0.0.1:${UPLOADER_HTTP_PORT:-8001}
p=http://127.0.0.1:${PSEUDONYMISER_HTTP_PORT:-8002}
m=http://127.0.0.1:${MATCHER_HTTP_PORT:-8003}
r=http://127.0.0.1:${REPORTER_HTTP_PORT:-8004}
cat <<TXT

The LEAP platform is running.
  Uploader        $u/           API docs (OpenAPI): $u/docs
                  first admin:  set -a; . .state/platform.env; set +a; .state/venv/bin/python -m leap_uploader.admin create-user --username admin --role admin
  Reporter        $r            API docs (OpenAPI): $r/docs   (http://localhost:${REPORTER_HTTP_PORT:-8004} works too)
                  dashboard:    $r/   (sign in at the uploader as demo-analyst, password in .state/demo-users.txt,
                                then the code from your authenticator app; scripts: Bearer REPORTER_ANALYST_TOKEN)
                  reach:        $r/api/v1/reach
  Pseudonymiser   $p/docs       key check: $p/key-check
  Matcher         $m/docs       explanations: analysts and admins ($m/signin, or Bearer MATCHER_ANALYST_TOKEN)
  Events (AsyncAPI): contracts/schemas/asyncapi.yaml
  Kafka           127.0.0.1:19092      PostgreSQL 127.0.0.1:55432 (database leap)
  Logs            .state/logs/         Stop with: make stop
TXT
