# The LVS benchmark in the guest (bench/lvs_vm.py boots it; never part of make check):
# keepalived and vigild one after the other in the same boot, on the same lab and the
# same configuration files, so their figures compare as ratios.
#
# Lab: namespace dir (the director, a veth to rs, the IPVS table) and rs (the real
# servers: NRS addresses 10.2.0.1.. on a dummy link, bench_rs listening on one port
# per virtual server, over TLS for SSL_GET).  Virtual servers 10.1.0.1:PORT.
# Parameters from the kernel command line (vigil.bench_*=...), see arg below.
# Every result is one line `@@BENCH {json}` on the console, which the host parses.
. /vigil/lib.sh

arg() {  # value of vigil.NAME=VALUE on the kernel command line, or $2
  v_=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^vigil\.$1=//p" | tail -n 1)
  echo "${v_:-$2}"
}
NVS=$(arg bench_vs 10)          # TCP_CHECK virtual servers (NRS real servers each)
NBIG=$(arg bench_big 100)       # the same at scale, steady window only (part big)
NRS=$(arg bench_rs 100)         # real servers per virtual server (<= 250)
NWEB=$(arg bench_web 1000)      # HTTP_GET real servers (NRS per VS)
NSSL=$(arg bench_ssl 50)        # SSL_GET real servers (one VS, 10 addresses per port)
SSLDL=$(arg bench_ssl_delay 10) # ... and their delay_loop: a TLS handshake costs tens of ms
                                # of the emulated CPU at each end, 300 at 1 s saturate it
WIN=$(arg bench_window 20)      # seconds of the steady window
WARM=$(arg bench_warmup 5)      # seconds between "all in the table" and the window
PARTS=$(arg bench_parts tcp,big,http,ssl)
TRIALS=$(arg bench_trials 3)    # death/return trials
RVS=$(arg bench_reload_vs 2300)     # part reload: virtual servers
RRS=$(arg bench_reload_rs 37000)    # ... and real servers in all (no checkers)
RCAP=$(arg bench_reload_cap 400)    # seconds any one wait of part reload may take
HZ=100
ulimit -n 65536

emit() { echo "@@BENCH $*"; }

lab() {
  ns dir
  ns rs
  queue dir link add eth0 type veth peer name eth0 netns rs
  queue dir addr add 10.9.0.1/24 dev eth0
  queue dir link set eth0 up
  queue dir route add 10.2.0.0/16 via 10.9.0.2
  queue rs addr add 10.9.0.2/24 dev eth0
  queue rs link set eth0 up
  queue rs link add d0 type dummy
  queue rs link set d0 up
  j=1
  while [ $j -le "$NRS" ]; do queue rs addr add "10.2.0.$j/32" dev d0; j=$((j + 1)); done
  lab_apply
  in_ns rs nft add table inet b || fail "nft table"
  in_ns rs nft add chain inet b in '{ type filter hook input priority 0; }' || fail "nft chain"
  log "lab: dir 10.9.0.1 -> rs 10.9.0.2 with 10.2.0.1-$NRS"
}

# conf CHECKER NVS NRS VSPORT RSPORT [EXTRA [NADDR [DELAY_LOOP]]]: the configuration, one
# checker per RS; RS j of VS i is 10.2.0.(j % NADDR + 1) on port RSPORT + i * NRS/NADDR + j / NADDR
# (NADDR defaults to NRS: one port per virtual server; DELAY_LOOP to 1 s).
conf() {
  awk -v kind="$1" -v nvs="$2" -v nrs="$3" -v vp="$4" -v rp="$5" -v extra="$6" -v na="${7:-$3}" \
      -v dl="${8:-1}" 'BEGIN {
    print "global_defs {\n    router_id bench\n}"
    for (i = 0; i < nvs; i++) {
      printf "virtual_server 10.1.0.1 %d {\n    delay_loop %d\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n", vp + i, dl
      for (j = 0; j < nrs; j++) {
        printf "    real_server 10.2.0.%d %d {\n        weight 1\n        %s {\n", j % na + 1, rp + i * (nrs / na) + int(j / na), kind
        if (kind != "TCP_CHECK")
          printf "            url {\n                path /index.html\n                status_code 200\n            }\n"
        if (extra != "")
          printf "            %s\n", extra
        printf "            connect_timeout 2\n            retry 1\n            delay_before_retry 1\n        }\n    }\n"
      }
      print "}"
    }
  }'
}

# in_table PID: destinations in the IPVS table of PID's namespace (cheaper than
# ipvsadm -Ln under emulation; the same table).
in_table() { grep -c '^  -> [0-9A-F]\{8\}:' "/proc/$1/net/ip_vs"; }
has_all() { [ "$(in_table "$1")" -ge "$2" ]; }
# has_dest PID HEXADDR:HEXPORT / lacks_dest
has_dest() { grep -q "^  -> $2 " "/proc/$1/net/ip_vs"; }
lacks_dest() { ! has_dest "$@"; }

# tree PID: "pid comm ticks rss_kb utime stime" of PID and its descendants, from /proc.
tree() {
  awk -v root="$1" '
    FNR == 1 { pp[$1] = $4; comm[$1] = $2; t[$1] = $14 + $15; r[$1] = $24 * 4; u[$1] = $14; k[$1] = $15 }
    END { for (p in pp) { q = p; n = 0
            while (q != "" && q != root && q > 1 && n++ < 10) q = pp[q]
            if (q == root) print p, comm[p], t[p], r[p], u[p], k[p] } }' /proc/[0-9]*/stat 2>/dev/null
}
fds() {
  n_=0
  for p_ in $(tree "$1" | awk '{ print $1 }'); do
    n_=$((n_ + $(ls "/proc/$p_/fd" 2>/dev/null | wc -l)))
  done
  echo $n_
}

# start_daemon IMPL CONF: IMPL (keepalived|vigild) as checker only, in dir; sets PID.
# Not lib.sh's director_start: its -l -D put every log line on the serial console,
# which under emulation costs more than the checks being measured.
start_daemon() {
  DIRECTOR=$1
  T_START=$(now_ms)
  if [ "$1" = vigild ]; then
    nsenter --net=/run/netns/dir vigild -n -C -f "$2" -p /tmp/d1.pid -r /tmp/d1-vrrp.pid \
      -c /tmp/d1-check.pid --control-socket=/tmp/d1.sock > /tmp/d1.log 2>&1 &
  else
    nsenter --net=/run/netns/dir keepalived -n -C -f "$2" -p /tmp/d1.pid -r /tmp/d1-vrrp.pid \
      -c /tmp/d1-check.pid > /tmp/d1.log 2>&1 &
  fi
  PID=$!
  log "$1 started (pid $PID) on $2"
}
stop_daemon() {  # keepalived takes its time to empty a table of 10,000
  kill -TERM "$PID"
  wait_until 300 "$DIRECTOR exited on SIGTERM" dead "$PID"
  in_ns dir ipvsadm -C
}

# busy: jiffies the guest's CPU spent not idle, and in all (/proc/stat).
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }

# steady IMPL PART N LISTENER_PID: start-to-all, then CPU/RSS/fds over WIN seconds.
# Prints the @@BENCH line; leaves the daemon running.
steady() {
  impl=$1; part=$2; n=$3; lp=$4; tag=${5:-$1}
  start=$T_START
  wait_until 900 "$tag: all $n destinations in the table" has_all "$PID" "$n"
  all_ms=$(( $(now_ms) - start ))
  sleep "$WARM"
  tree "$PID" > /tmp/a.tree
  [ -n "$lp" ] && kill -USR1 "$lp"
  b0=$(busy)
  w0=$(now_ms)
  sleep "$WIN"
  tree "$PID" > /tmp/b.tree
  w1=$(now_ms)
  b1=$(busy)
  guest=$(echo "$b0 $b1" | awk '{ printf "%.1f", 100 * ($3 - $1) / ($4 - $2) }')
  [ -n "$lp" ] && kill -USR2 "$lp"
  fd=$(fds "$PID")
  kept=$(in_table "$PID")
  srv='null'
  if [ -n "$lp" ]; then
    wait_until 10 "listener's window report" grep -q accepts "/tmp/rs.$part.out"
    srv=$(grep accepts "/tmp/rs.$part.out" | tail -n 1)
    : > "/tmp/rs.$part.out"
  fi
  procs=$(awk 'NR == FNR { a[$1] = $3; au[$1] = $5; ak[$1] = $6; next }
      { printf "%s{\"pid\": %s, \"comm\": \"%s\", \"cpu_ticks\": %d, \"rss_kb\": %d, \"utime_ticks\": %d, \"stime_ticks\": %d}",
        s, $1, $2, $3 - a[$1], $4, $5 - au[$1], $6 - ak[$1]; s = ", " }' /tmp/a.tree /tmp/b.tree)
  emit "{\"part\": \"$part\", \"impl\": \"$tag\", \"n\": $n, \"start_to_all_ms\": $all_ms," \
    "\"window_ms\": $((w1 - w0)), \"guest_busy_pct\": $guest, \"hz\": $HZ, \"fds\": $fd, \"in_table_after\": $kept," \
    "\"procs\": [$procs], \"servers\": $srv}"
}

# took LIMIT_S CMD...: milliseconds until CMD succeeds (polled every 0.1 s), or -1
# after LIMIT_S seconds: a saturated guest may be late, and the rest still runs.
took() {
  lim_=$(( $1 * 1000 )); shift
  s_=$(now_ms)
  while ! "$@" > /dev/null 2>&1; do
    [ $(( $(now_ms) - s_ )) -ge "$lim_" ] && { echo -1; return; }
    sleep 0.1
  done
  echo $(( $(now_ms) - s_ ))
}

# deaths IMPL: TRIALS times, the first TCP server refuses (nft reset), its removal
# timed; then accepted again, its re-add timed.
deaths() {
  d_=0A020001:2710   # 10.2.0.1:10000, first RS of the first virtual server
  i=0; down=""; up=""
  while [ $i -lt "$TRIALS" ]; do
    sleep "0.$((i * 3 + 1))"
    in_ns rs nft add rule inet b in ip daddr 10.2.0.1 tcp dport 10000 reject with tcp reset
    ms_=$(took 60 lacks_dest "$PID" "$d_")
    log "$1: dead server removed after $ms_ ms"
    down="$down${down:+, }$ms_"
    sleep "0.$((i * 2 + 3))"
    in_ns rs nft flush chain inet b in
    ms_=$(took 60 has_dest "$PID" "$d_")
    log "$1: returned server re-added after $ms_ ms"
    up="$up${up:+, }$ms_"
    [ "$ms_" = -1 ] && { in_ns dir ipvsadm -Ln -t 10.1.0.1:1000 | head -n 5; tail -n 20 /tmp/d1.log; }
    i=$((i + 1))
  done
  emit "{\"part\": \"death\", \"impl\": \"$1\", \"delay_loop_s\": 1, \"retry\": 1," \
    "\"delay_before_retry_s\": 1, \"removal_ms\": [$down], \"readd_ms\": [$up]}"
}

part_tcp() {
  conf TCP_CHECK "$NVS" "$NRS" 1000 10000 > /tmp/tcp.conf
  nsenter --net=/run/netns/rs /vigil/bin/bench_rs -a 10.2.0.1 -n "$NRS" -p 10000 -m "$NVS" \
    > /tmp/rs.tcp.out 2>&1 &
  lp=$!
  for impl in keepalived vigild; do
    start_daemon "$impl" /tmp/tcp.conf
    steady "$impl" tcp $((NVS * NRS)) "$lp"
    deaths "$impl"
    stop_daemon
  done
  kill "$lp"
}

# big: TCP_CHECK at NBIG x NRS, the steady window only (at 10,000 the emulated guest
# saturates, so deaths would time the backlog, not the decision logic).
part_big() {
  conf TCP_CHECK "$NBIG" "$NRS" 5000 11000 > /tmp/big.conf
  nsenter --net=/run/netns/rs /vigil/bin/bench_rs -a 10.2.0.1 -n "$NRS" -p 11000 -m "$NBIG" \
    > /tmp/rs.big.out 2>&1 &
  lp=$!
  for impl in keepalived vigild; do
    start_daemon "$impl" /tmp/big.conf
    steady "$impl" big $((NBIG * NRS)) "$lp"
    stop_daemon
  done
  kill "$lp"
}

part_http() {
  nvs=$((NWEB / NRS))
  conf HTTP_GET "$nvs" "$NRS" 2000 20000 > /tmp/http.conf
  nsenter --net=/run/netns/rs /vigil/bin/bench_rs -H -a 10.2.0.1 -n "$NRS" -p 20000 -m "$nvs" \
    > /tmp/rs.http.out 2>&1 &
  lp=$!
  for impl in keepalived vigild; do
    start_daemon "$impl" /tmp/http.conf
    steady "$impl" http "$NWEB" "$lp"
    stop_daemon
  done
  kill "$lp"
}

# SSL_GET: bench_rs -S serves every TLS connection on one epoll loop (openssl s_server
# served one at a time and was the bottleneck: keepalived kept 61 of 300 servers).
# One virtual server, ten addresses on each port.  Under emulation a handshake costs
# each end tens of milliseconds of the one vCPU, so the checks are spread (SSLDL) to
# stay below saturation: the figure compared is the CPU per check.
part_ssl() {
  conf SSL_GET 1 "$NSSL" 3000 4430 "" 10 "$SSLDL" > /tmp/ssl.conf
  conf SSL_GET 1 "$NSSL" 3000 4430 "tls_session_reuse" 10 "$SSLDL" > /tmp/ssl-reuse.conf
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=rs \
    -days 2 -keyout /tmp/rs.key -out /tmp/rs.crt > /dev/null 2>&1 || fail "openssl req"
  nsenter --net=/run/netns/rs /vigil/bin/bench_rs -S /tmp/rs.crt -K /tmp/rs.key -a 10.2.0.1 -n 10 \
    -p 4430 -m $(((NSSL + 9) / 10)) -d $((SSLDL * 1000)) > /tmp/rs.ssl.out 2>&1 &
  lp=$!
  wait_until 60 "TLS servers listen" listening rs $((4430 + (NSSL + 9) / 10 - 1))
  for run in keepalived:/tmp/ssl.conf vigild:/tmp/ssl.conf vigild:/tmp/ssl-reuse.conf; do
    impl=${run%%:*}; cf=${run#*:}
    tag=$impl; [ "$cf" = /tmp/ssl-reuse.conf ] && tag=vigild+reuse
    start_daemon "$impl" "$cf"
    steady "$impl" ssl "$NSSL" "$lp" "$tag"
    stop_daemon
  done
  kill "$lp"
}

# ---- part reload: the same file reloaded at RVS virtual servers / RRS real servers ----

# reload_conf NVS NRS: NVS virtual servers 10.1.0.1:(1000+i), NRS real servers in all
# (NRS/NVS each, the first NRS%NVS one more), no checker: every one is up and stays so.
reload_conf() {
  awk -v nvs="$1" -v nrs="$2" 'BEGIN {
    print "global_defs {\n    router_id bench\n}"
    per = int(nrs / nvs); extra = nrs - per * nvs
    for (i = 0; i < nvs; i++) {
      printf "virtual_server 10.1.0.1 %d {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n", 1000 + i
      n = per + (i < extra)
      for (j = 0; j < n; j++)
        printf "    real_server 10.2.%d.%d 80 {\n        weight 1\n    }\n", int(j / 250), j % 250 + 1
      print "}"
    }
  }'
}

# ticks PID: CPU jiffies of PID and its descendants.
ticks() { tree "$1" | awk '{ s += $3 } END { print s + 0 }'; }

# quiet PID LIMIT_S: waits until PID's processes have used no CPU for 2 s (polled
# every 0.2 s); prints "MS TICKS": ms from the call to the last jiffy they used and
# the jiffies used, or "-1 TICKS" after LIMIT_S.
quiet() {
  q0=$(now_ms); last=$q0; t0_=$(ticks "$1"); tl=$t0_
  while :; do
    sleep 0.2
    n_=$(now_ms); t_=$(ticks "$1")
    [ "$t_" != "$tl" ] && { tl=$t_; last=$n_; }
    [ $((n_ - last)) -ge 2000 ] && { echo "$((last - q0)) $((tl - t0_))"; return; }
    [ $((n_ - q0)) -ge $(($2 * 1000)) ] && { echo "-1 $((tl - t0_))"; return; }
  done
}

# The kernel's changes, counted in the kernel: ftrace's function tracer on the two
# entry points of every IPVS change request, generic netlink (ip_vs_genl_set_cmd:
# NEW/SET/DEL of services and destinations) and the old setsockopt interface
# (do_ip_vs_set_ctl); reads and dumps go elsewhere.  TRACE is empty without tracefs.
TRACE=/sys/kernel/tracing
trace_setup() {
  in_ns dir ipvsadm -Ln > /dev/null  # ip_vs loaded: its functions can be named
  mount -t tracefs nodev "$TRACE" 2>/dev/null
  if echo ip_vs_genl_set_cmd > "$TRACE/set_ftrace_filter" 2>/dev/null &&
     { echo do_ip_vs_set_ctl >> "$TRACE/set_ftrace_filter" 2>/dev/null || true; } &&
     echo 16384 > "$TRACE/buffer_size_kb" && echo function > "$TRACE/current_tracer"; then
    echo 0 > "$TRACE/tracing_on"
    log "counting IPVS change requests with ftrace: $(cat "$TRACE/set_ftrace_filter" | tr '\n' ' ')"
  else
    log "no ftrace here: kernel changes are told by ipvsadm -Sn before/after only"
    TRACE=""
  fi
}
trace_start() { [ -n "$TRACE" ] && { : > "$TRACE/trace"; echo 1 > "$TRACE/tracing_on"; }; }
# trace_count: requests since trace_start (null without ftrace; -1 if the buffer lost
# some: "entries-in-buffer/entries-written: IN/WRITTEN" differ).
trace_count() {
  [ -z "$TRACE" ] && { echo null; return; }
  echo 0 > "$TRACE/tracing_on"
  head -n 5 "$TRACE/trace" | awk '/entries-in-buffer/ { split($3, a, "/"); if (a[1] != a[2]) lost = 1 }
    END { exit lost }' || { echo -1; return; }
  grep -c 'ip_vs_genl_set_cmd\|do_ip_vs_set_ctl' "$TRACE/trace"
}

# reload_run IMPL NVS NRS TAG: start, every RS in the table, quiet; `ipvsadm -Sn`;
# SIGHUP; quiet again (the reload applied); `ipvsadm -Sn` again. One @@BENCH line.
reload_run() {
  impl=$1 nvs=$2 nrs=$3 tag=$4
  reload_conf "$nvs" "$nrs" > /tmp/reload.conf
  trace_start
  DIRECTOR=$impl
  T_START=$(now_ms)
  if [ "$impl" = vigild ]; then
    # -l: vigild's few lines go to /tmp/d1.log (its "Reloaded:" line is quoted)
    nsenter --net=/run/netns/dir vigild -n -l -C -f /tmp/reload.conf -p /tmp/d1.pid -r /tmp/d1-vrrp.pid \
      -c /tmp/d1-check.pid --control-socket=/tmp/d1.sock > /tmp/d1.log 2>&1 &
  else
    # no -l: keepalived's -l writes a line per VS and RS to the serial console
    nsenter --net=/run/netns/dir keepalived -n -C -f /tmp/reload.conf -p /tmp/d1.pid -r /tmp/d1-vrrp.pid \
      -c /tmp/d1-check.pid > /tmp/d1.log 2>&1 &
  fi
  PID=$!
  log "$impl started (pid $PID): $nvs virtual servers, $nrs real servers"
  all_ms=$(took "$RCAP" has_all "$PID" "$nrs")
  [ "$all_ms" != -1 ] && all_ms=$(( $(now_ms) - T_START ))
  set -- $(quiet "$PID" "$RCAP"); settle_ms=$1
  start_changes=$(trace_count)
  log "$impl: start to all $all_ms ms, quiet $settle_ms ms later; $start_changes change requests"
  rms=-1 rticks=0 changes=null sn_diff=null kept=null after_n=$(in_table "$PID") reloaded=null
  if [ "$all_ms" != -1 ] && [ "$settle_ms" != -1 ]; then
    in_ns dir ipvsadm -Sn > /tmp/sn.before
    trace_start
    kill -HUP "$PID"
    set -- $(quiet "$PID" "$RCAP"); rms=$1 rticks=$2
    changes=$(trace_count)
    in_ns dir ipvsadm -Sn > /tmp/sn.after
    sn_diff=$(diff /tmp/sn.before /tmp/sn.after | grep -c '^[<>]')
    kept=$(awk 'NR == FNR { b[$0] = 1; next } /^-a / && ($0 in b) { n++ } END { print n + 0 }' /tmp/sn.before /tmp/sn.after)
    after_n=$(grep -c '^-a ' /tmp/sn.after)
    reloaded=$(grep -o 'Reloaded: .*' /tmp/d1.log | tail -n 1 | sed 's/"/\\"/g')
    [ -n "$reloaded" ] && reloaded="\"$reloaded\"" || reloaded=null
    log "$impl: reload quiet after $rms ms ($rticks jiffies), $changes change requests, ipvsadm -Sn diff $sn_diff lines"
  fi
  emit "{\"part\": \"reload\", \"impl\": \"$tag\", \"n_vs\": $nvs, \"n\": $nrs, \"cap_s\": $RCAP," \
    "\"start_to_all_ms\": $all_ms, \"start_changes\": $start_changes, \"reload_ms\": $rms," \
    "\"reload_cpu_ms\": $((rticks * 1000 / HZ)), \"kernel_changes\": $changes, \"sn_diff_lines\": $sn_diff," \
    "\"rs_unchanged\": $kept, \"rs_in_table_after\": $after_n, \"method\": \"${TRACE:+ftrace}\"," \
    "\"daemon_says\": $reloaded}"
  kill -TERM "$PID"
  took "$RCAP" dead "$PID" > /dev/null
  alive "$PID" && kill -9 $(tree "$PID" | awk '{ print $1 }') 2>/dev/null
  wait_until 30 "$impl gone" dead "$PID"
  in_ns dir ipvsadm -C
  REACHED=$([ "$rms" != -1 ] && echo yes || echo no)
}

# vigild first (its figures are there even if keepalived's wait is cut); keepalived
# at the same size, and if its wait was cut, both again at a tenth (said so).
part_reload() {
  trace_setup
  reload_run vigild "$RVS" "$RRS" vigild
  reload_run keepalived "$RVS" "$RRS" keepalived
  if [ "$REACHED" = no ]; then
    log "keepalived did not finish within ${RCAP} s at $RRS: both again at a tenth"
    reload_run keepalived $((RVS / 10)) $((RRS / 10)) keepalived
    reload_run vigild $((RVS / 10)) $((RRS / 10)) vigild
  fi
}

lab
emit "{\"part\": \"setup\", \"nvs\": $NVS, \"nbig\": $NBIG, \"nrs\": $NRS, \"web\": $NWEB, \"ssl\": $NSSL, \"ssl_delay_s\": $SSLDL, \"window_s\": $WIN," \
  "\"kernel\": \"$(uname -r)\", \"mem_kb\": $(awk '/MemTotal/ { print $2 }' /proc/meminfo)," \
  "\"keepalived\": \"$(keepalived --version 2>&1 | head -n 1)\"}"
# Each part in a subshell: one that fails still leaves the others their boot.
rc=0
for p in $(echo "$PARTS" | tr ',' ' '); do
  log "part $p"
  ( "part_$p" ) || { rc=1; log "part $p failed"; kill -9 $(cat /tmp/d1.pid 2>/dev/null) 2>/dev/null; }
  in_ns dir ipvsadm -C
done
log "benchmark done"
exit $rc
