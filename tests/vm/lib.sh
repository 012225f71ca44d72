# Shared helpers for the VM scenarios (sourced by busybox sh inside the guest).
# A scenario builds its hosts as network namespaces, waits for what it expects with
# bounded polls (never a bare sleep), and exits 0 (pass), 77 (skipped) or 1 (failed,
# with the reason on the last line).  /init resets the guest between scenarios.

# Debian's busybox sh runs its own applets before anything on PATH; these names
# must be the real tools (iproute2, kmod).
ip() { /usr/bin/ip "$@"; }
modprobe() { /usr/sbin/modprobe "$@"; }

T0=$(awk '{ printf "%d", $1 * 1000 }' /proc/uptime)

now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

log() { echo "[$(( $(now_ms) - T0 )) ms] $*"; }

fail() {
  log "FAIL: $*"
  exit 1
}

# wait_until SECONDS WHAT CMD...: poll CMD every 0.1 s until it succeeds; fail with
# WHAT when SECONDS pass.  Prints how long it took, which is what a reader wants to see.
wait_until() {
  limit=$(( $1 * 1000 )); what=$2; shift 2
  start=$(now_ms)
  while ! "$@" > /dev/null 2>&1; do
    [ $(( $(now_ms) - start )) -ge "$limit" ] && fail "$what: not within $(( limit / 1000 )) s"
    sleep 0.1
  done
  log "$what (after $(( $(now_ms) - start )) ms)"
}

LAB_NS=""

# Under TCG every exec of a dynamically linked tool costs tens of ms, so the lab is
# described first and applied with one `ip -batch` per namespace (lab_apply), and
# commands enter a namespace with busybox nsenter rather than `ip netns exec`.

# queue NS LINE: an `ip` command for NS's batch.
queue() { ns_=$1; shift; echo "$*" >> "/tmp/lab.$ns_"; }

# in_ns NS CMD...: run CMD in NS's network namespace.  Daemons are started with
# `nsenter --net=/run/netns/NS CMD &` written out instead: a backgrounded function
# is a subshell, so $! would not be the daemon (and the subshell keeps the caller's
# stdout open, which hangs a $(...) around it).
in_ns() { ns_=$1; shift; nsenter --net="/run/netns/$ns_" "$@"; }

# ns NAME: a namespace with lo up.
ns() {
  ip netns add "$1" || fail "ip netns add $1"
  LAB_NS="$LAB_NS $1"
  queue "$1" link set lo up
}

# bridge SWNS BR: a bridge inside the switch namespace, no STP, no snooping.
bridge() {
  queue "$1" link add "$2" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
  queue "$1" link set "$2" up
}

# plug SWNS BR NODE IF ADDR/LEN: a veth from BR in SWNS to interface IF in NODE.  The
# pair is made in the switch namespace with its peer placed straight into the node.
plug() {
  queue "$1" link add "$3-$4" type veth peer name "$4" netns "$3"
  queue "$1" link set "$3-$4" master "$2" up
  queue "$3" addr add "$5" dev "$4"
  queue "$3" link set "$4" up
}

# lab_apply: run the queued batches, namespaces in the order they were made (the
# switch first, so the veth peers exist when the nodes configure them).
lab_apply() {
  for n in $LAB_NS; do
    [ -f "/tmp/lab.$n" ] || continue
    ip -n "$n" -batch "/tmp/lab.$n" || fail "lab set-up of $n: $(cat "/tmp/lab.$n")"
    rm -f "/tmp/lab.$n"
  done
}

# http_server NS DIR PORT BODY: busybox httpd in NS answering BODY; prints its pid.
http_server() {
  mkdir -p "$2"
  echo "$4" > "$2/index.html"
  nsenter --net="/run/netns/$1" httpd -f -p "$3" -h "$2" > /dev/null 2>&1 &
  echo $!
}

# http_get NS IP PORT: one HTTP/1.0 request; prints the body's last line.
http_get() {
  printf 'GET / HTTP/1.0\r\n\r\n' | in_ns "$1" nc -w 2 "$2" "$3" 2>/dev/null | tail -n 1 | tr -d '\r'
}

# listening NS PORT: someone listens on TCP PORT in NS.
listening() {
  in_ns "$1" netstat -ltn 2>/dev/null | grep -q ":$2 "
}

# ipvs NS: the table as a user reads it.
ipvs() { in_ns "$1" ipvsadm -Ln; }

# ipvs_has NS PATTERN: `ipvsadm -Ln` in NS has a line matching PATTERN.
ipvs_has() { ipvs "$1" | grep -q -- "$2"; }

# held: the director's IPVS still lists an established connection.
held() { in_ns dir ipvsadm -Lnc | grep -q ESTABLISHED; }

# A client's connection to $VIP:80 held open: nc reads its request from
# fd 3 (written, then closed, by the scenario); its answer lands in
# /tmp/held.out. Once IPVS lists it, HELD_DEST is the real server it went to.
hold_connection() {
  mkfifo /tmp/req
  in_ns client nc "$VIP" 80 < /tmp/req > /tmp/held.out 2>&1 &
  exec 3> /tmp/req
  wait_until 5 "the held connection is in ipvsadm -Lnc" held
  HELD_DEST=$(in_ns dir ipvsadm -Lnc | awk '/ESTABLISHED/ { print $6; exit }')
}
ipvs_lacks() { ! ipvs_has "$@"; }

# The classic LVS-NAT lab: a client net (br-c: client 10.0.1.2, director 10.0.1.1 and
# the VIP 10.0.1.100) and a server net (br-s: director 10.0.2.1, rs1 10.0.2.11, rs2
# 10.0.2.12, both routing back through the director, as NAT requires).
VIP=10.0.1.100
RS1=10.0.2.11
RS2=10.0.2.12
lab_nat() {
  for n in sw client dir rs1 rs2; do ns "$n"; done
  bridge sw br-c
  bridge sw br-s
  plug sw br-c client eth0 10.0.1.2/24
  plug sw br-c dir eth0 10.0.1.1/24
  queue dir addr add "$VIP/24" dev eth0
  plug sw br-s dir eth1 10.0.2.1/24
  plug sw br-s rs1 eth0 "$RS1/24"
  plug sw br-s rs2 eth0 "$RS2/24"
  queue rs1 route add default via 10.0.2.1
  queue rs2 route add default via 10.0.2.1
  lab_apply
  in_ns dir sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0
  log "lab: client 10.0.1.2 -> director (VIP $VIP) -> rs1 $RS1, rs2 $RS2"
}

# The flat lab DR and TUN need: client 10.0.1.2, director 10.0.1.1 with the VIP,
# rs1 10.0.1.11 and rs2 10.0.1.12 on one bridge.  The real servers hold the VIP too
# (on lo for DR, on tunl0 for TUN) and must not answer ARP for it, which is what the
# classic lvs_real script sets: arp_ignore=1, arp_announce=2.
lab_flat() {
  RS1=10.0.1.11
  RS2=10.0.1.12
  for n in sw client dir rs1 rs2; do ns "$n"; done
  bridge sw br0
  plug sw br0 client eth0 10.0.1.2/24
  plug sw br0 dir eth0 10.0.1.1/24
  queue dir addr add "$VIP/24" dev eth0
  plug sw br0 rs1 eth0 "$RS1/24"
  plug sw br0 rs2 eth0 "$RS2/24"
  lab_apply
  for rs in rs1 rs2; do
    in_ns "$rs" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.lo.arp_ignore=1 net.ipv4.conf.lo.arp_announce=2
  done
  log "lab: client 10.0.1.2, director 10.0.1.1 (VIP $VIP), rs1 $RS1, rs2 $RS2 on one bridge"
}

# expect_split N: 2N requests through the VIP (rr over two real servers) are answered
# N times by each, and the director's connection table (`ipvsadm -Lnc`) holds N
# entries for each real server.  (`ipvsadm -Ln --stats` would say the same up to
# 2 s later: its counters are folded by the estimator.)
conns_to() { in_ns dir ipvsadm -Lnc | awk -v d="$1:80" '$6 == d' | wc -l; }
expect_split() {
  answers=$(requests $(( $1 * 2 )))
  echo "answers:" $answers
  n1=$(echo "$answers" | grep -c '^rs1$')
  n2=$(echo "$answers" | grep -c '^rs2$')
  [ "$n1" = "$1" ] && [ "$n2" = "$1" ] ||
    fail "rr over $(( $1 * 2 )) requests gave rs1 x$n1, rs2 x$n2 (want $1 and $1)"
  in_ns dir ipvsadm -Lnc
  for rs in "$RS1" "$RS2"; do
    c=$(conns_to "$rs")
    [ "$c" = "$1" ] || fail "ipvsadm -Lnc: $c connections to $rs:80, want $1"
  done
}

# requests N: N requests from the client to the VIP; prints the bodies, one a line.
requests() {
  i=0
  while [ "$i" -lt "$1" ]; do
    http_get client "$VIP" 80
    i=$(( i + 1 ))
  done
}

lab_cleanup() {
  for n in $LAB_NS; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  done
  for n in $LAB_NS; do ip netns delete "$n" 2>/dev/null; done
}
trap lab_cleanup EXIT

# ---- LVS directors (the 4x scenarios) ----
# A 4x scenario runs once per director daemon: its header line `# vm-directors: ...`
# makes build.py list NAME@keepalived and NAME@vigild, and /init sets DIRECTOR.
DIRECTOR=${DIRECTOR:-keepalived}
DIRECTORS=""

skip() {
  log "SKIP: $*"
  exit 77
}

# director_check CONF [lax]: the director accepts CONF (in dir's namespace: keepalived
# -t looks the interfaces up); lax: keepalived -t's warnings (it exits 1 on a
# deprecated keyword) are shown, not failed.  vigild has its check worker: a -t that
# rejects CONF fails the scenario (it skipped once, before the worker existed).
director_check() {
  if [ "$DIRECTOR" = vigild ]; then
    out_=$(in_ns dir vigild -t -f "$1" 2>&1); rc_=$?
    [ "$rc_" = 0 ] || { echo "$out_"; fail "vigild -t rejects $1 (exit $rc_)"; }
  else
    in_ns dir keepalived -t -f "$1" && return
    [ "$2" = lax ] || fail "keepalived -t rejects $1"
    log "keepalived -t exits non-zero on the warnings above (lax: it runs the config anyway)"
  fi
}

# director_start NAME NS CONF [FLAGS...]: the director daemon (foreground, console
# log) in NS's namespace with its own pid files /tmp/NAME{,-vrrp,-check}.pid, log
# /tmp/NAME.log.  NAME must be a shell word (d1, d2).  FLAGS: -C (checker only) ...
director_start() {
  n_=$1; ns_=$2; conf_=$3; shift 3
  if [ "$DIRECTOR" = vigild ]; then
    nsenter --net="/run/netns/$ns_" vigild -n -l -D "$@" -f "$conf_" -p "/tmp/$n_.pid" \
      -r "/tmp/$n_-vrrp.pid" -c "/tmp/$n_-check.pid" --control-socket="/tmp/$n_.sock" \
      > "/tmp/$n_.log" 2>&1 &
  else
    nsenter --net="/run/netns/$ns_" keepalived -n -l -D "$@" -f "$conf_" -p "/tmp/$n_.pid" \
      -r "/tmp/$n_-vrrp.pid" -c "/tmp/$n_-check.pid" > "/tmp/$n_.log" 2>&1 &
  fi
  eval "pid_$n_=$!"
  DIRECTORS="$DIRECTORS $n_"
  trap director_cleanup EXIT
  log "$DIRECTOR started as $n_ in $ns_ (pid $!)"
}

director_pid() { eval echo "\$pid_$1"; }

# alive PID: PID runs (a zombie does not count).
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }
dead() { ! alive "$1"; }

# checker_pid NAME: the pid in NAME's checker pid file (-c), if that process runs.
checker_pid() {
  p_=$(cat "/tmp/$1-check.pid" 2>/dev/null)
  [ -n "$p_" ] && alive "$p_" && echo "$p_"
}

# director_stop NAME: SIGTERM, and its exit within 10 s.
director_stop() {
  p_=$(director_pid "$1")
  kill -TERM "$p_"
  wait_until 10 "$1 ($DIRECTOR) exited on SIGTERM" dead "$p_"
}

director_cleanup() {
  for n_ in $DIRECTORS; do kill -9 "$(director_pid "$n_")" 2>/dev/null; done
  for n_ in $DIRECTORS; do echo "--- $n_ ($DIRECTOR) log, last 40 lines"; tail -n 40 "/tmp/$n_.log"; done
  lab_cleanup
}

# rs_up RS [PORT]: busybox httpd in RS answering "RS" on PORT (80); waits until it
# listens.  rs_down RS [PORT] kills it and waits until the port is closed.
rs_up() {
  port_=${2:-80}
  http_server "$1" "/tmp/www-$1" "$port_" "$1" > "/tmp/httpd.$1.$port_"
  wait_until 5 "$1 listens on $port_" listening "$1" "$port_"
}
rs_down() {
  port_=${2:-80}
  kill "$(cat "/tmp/httpd.$1.$port_")"
  wait_until 5 "$1 stopped listening on $port_" not_listening "$1" "$port_"
}
not_listening() { ! listening "$@"; }

# weight NS ADDR:PORT: the weight `ipvsadm -Ln` shows for that destination.
weight() { ipvs "$1" | awk -v d="$2" '$1 == "->" && $2 == d { print $4 }'; }
weight_is() { [ "$(weight "$1" "$2")" = "$3" ]; }

# only_from WHO N: N requests through the VIP, every one answered by WHO.
only_from() {
  answers=$(requests "$2")
  echo "answers:" $answers
  [ "$(echo "$answers" | grep -c "^$1\$")" = "$2" ] || fail "$2 requests should all reach $1: $answers"
}

# from_all N WHO...: N requests through the VIP reach every one of WHO, and nobody else.
from_all() {
  n_=$1; shift
  answers=$(requests "$n_")
  echo "answers:" $answers
  for w_ in "$@"; do echo "$answers" | grep -q "^$w_\$" || fail "none of $n_ requests reached $w_: $answers"; done
  for a_ in $answers; do
    case " $* " in *" $a_ "*) ;; *) fail "a request reached $a_ (want only $*): $answers" ;; esac
  done
}

# lvs_lab KIND: the NAT lab, or the flat lab with the real servers holding the VIP
# on lo (DR, the lvs_real settings) or on tunl0 (TUN).  LAB_VIP=no leaves the VIP off
# the director (VRRP adds it).
lvs_lab() {
  case "$1" in
  NAT) lab_nat ;;
  DR)
    lab_flat
    for rs in rs1 rs2; do ip -n "$rs" addr add "$VIP/32" dev lo; done ;;
  TUN)
    lab_flat
    modprobe ipip || fail "modprobe ipip"
    for rs in rs1 rs2; do
      ip -n "$rs" link set tunl0 up || fail "$rs has no tunl0"
      ip -n "$rs" addr add "$VIP/32" dev tunl0
      in_ns "$rs" sysctl -qw net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.all.rp_filter=0
    done ;;
  esac
  [ "${LAB_VIP:-yes}" = no ] && ip -n dir addr del "$VIP/24" dev eth0
  # A removed destination's connections go with it, so a reused client port is
  # never sent to a dead server.
  in_ns dir sysctl -qw net.ipv4.vs.expire_nodest_conn=1
}

# tcp_rs IP PORT [EXTRA]: a real_server block with a fast TCP_CHECK.
tcp_rs() {
  cat <<RS
    real_server $1 $2 {
        $3
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
RS
}

# script NAME BODY...: an executable script /run/lvs/NAME (a root-only directory,
# so enable_script_security accepts it; /tmp is world-writable).
script() {
  mkdir -p -m 755 /run/lvs
  n_=$1; shift
  printf '#!/bin/sh\n%s\n' "$*" > "/run/lvs/$n_"
  chmod 755 "/run/lvs/$n_"
}
SECURE_GLOBALS='global_defs {
    router_id vm_director
    enable_script_security
    script_user root
}'

# lvs_follow_health KIND: a KIND (NAT, DR, TUN) virtual_server over rs1 and rs2
# under TCP_CHECK.  Both serve the client; rs2 dies and leaves the table, the client
# then reaches rs1 only; rs2 comes back and returns; SIGTERM removes the service.
lvs_follow_health() {
  lvs_lab "$1"
  rs_up rs1
  rs_up rs2
  cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind $1
    protocol TCP
$(tcp_rs "$RS1" 80)
$(tcp_rs "$RS2" 80)
}
CONF
  director_check /tmp/lvs.conf
  director_start d1 dir /tmp/lvs.conf -C
  wait_until 15 "rs1 in the table" ipvs_has dir "$RS1:80"
  wait_until 15 "rs2 in the table" ipvs_has dir "$RS2:80"
  ipvs dir
  from_all 4 rs1 rs2
  rs_down rs2
  wait_until 15 "rs2 left the table after its check failed" ipvs_lacks dir "$RS2:80"
  ipvs dir
  ipvs_has dir "$RS1:80" || fail "rs1 left the table too"
  only_from rs1 4
  rs_up rs2
  wait_until 15 "rs2 returned to the table" ipvs_has dir "$RS2:80"
  ipvs dir
  from_all 4 rs1 rs2
  director_stop d1
  ipvs_lacks dir "$VIP:80" || fail "the service outlived the director: $(ipvs dir)"
  log "PASS: $DIRECTOR, $1: traffic followed rs2's health down and up"
}

# The LVS-DR director pair (47_lvs_pair, the demo): VRRP for the VIP and the
# same virtual_server over rs1 and rs2; $1 the state, $2 the priority, $3
# what goes before them (global_defs), if anything.
lvs_pair_conf() {
  cat <<CONF
${3:-}
vrrp_instance VI_1 {
    state $1
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind DR
    protocol TCP
$(tcp_rs "$RS1" 80)
$(tcp_rs "$RS2" 80)
}
CONF
}
