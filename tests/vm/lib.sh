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
