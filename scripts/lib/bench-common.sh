# Shared by the benchmark scripts (source it): tools, the release build, a work directory that is
# removed on exit, `ebid serve` started on a free port, and wrk helpers (a rotating-path script, ms).

# require_tools TOOL… — exits with the apt-get line when one is missing.
require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "this benchmark needs $tool (apt-get install -y $*)" >&2; exit 1; }
  done
}

# build_ebid — a release build; sets $ebid.
build_ebid() {
  echo "building ebid (release)…" >&2
  swift build -c release --product ebid >/dev/null
  ebid="$root/.build/release/ebid"
}

# make_work NAME — sets $work; on exit the server (if any) is stopped, extra_cleanup runs (if the
# script defines it) and $work is removed (kept with BENCH_KEEP=1).
make_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/ebid-$1.XXXXXX")
  server_pid=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}

# start_ebid ARGS… — `ebid serve --port 0 ARGS…` in the background, logging to $work/serve.log;
# sets $server_pid and $url once it listens.
start_ebid() {
  "$ebid" serve --port 0 "$@" >"$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do grep -q "ebid listening on" "$work/serve.log" && break; sleep 0.1; done
  url=$(grep -o "http://127.0.0.1:[0-9]*" "$work/serve.log" | head -1)
  [ -n "$url" ] || { cat "$work/serve.log" >&2; exit 1; }
}

# stop_ebid — SIGTERM and wait.
stop_ebid() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

# write_rotate_lua FILE — a wrk script that requests $BENCH_PREFIX<item>$BENCH_SUFFIX for the lines
# of $BENCH_FILE in rotation (each thread from a random offset), with $BENCH_TOKEN as a bearer
# token when set.
write_rotate_lua() {
  cat >"$1" <<'LUA'
local items = {}
local prefix, suffix, token = os.getenv("BENCH_PREFIX"), os.getenv("BENCH_SUFFIX") or "", os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_FILE")) do items[#items + 1] = line end
local i = 0
function setup(thread) thread:set("offset", math.random(#items)) end
request = function()
  i = i + 1
  local item = items[(i + (offset or 0)) % #items + 1]
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", prefix .. item .. suffix, headers)
end
LUA
}

# ms VALUE — wrk's 812.00us, 2.31ms or 1.02s in milliseconds.
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v / 1000; else if (v ~ /ms$/) printf "%.2f", v + 0; else printf "%.2f", v * 1000 }'; }
