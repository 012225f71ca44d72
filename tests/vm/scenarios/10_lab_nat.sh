# The lab itself works: a NAT service programmed with ipvsadm in the director's
# namespace carries a client's TCP requests through the VIP to both real servers.
. /vigil/lib.sh

lab_nat
http_server rs1 /tmp/www1 80 rs1 > /dev/null
http_server rs2 /tmp/www2 80 rs2 > /dev/null
wait_until 5 "rs1 listens" listening rs1 80
wait_until 5 "rs2 listens" listening rs2 80

in_ns dir ipvsadm -A -t "$VIP:80" -s rr || fail "ipvsadm -A"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS1:80" -m || fail "ipvsadm -a rs1"
in_ns dir ipvsadm -a -t "$VIP:80" -r "$RS2:80" -m || fail "ipvsadm -a rs2"
ipvs dir

answers=$(requests 6)
echo "answers:" $answers
n1=$(echo "$answers" | grep -c '^rs1$')
n2=$(echo "$answers" | grep -c '^rs2$')
[ "$n1" = 3 ] && [ "$n2" = 3 ] || fail "rr over 6 requests gave rs1 x$n1, rs2 x$n2 (want 3 and 3)"

# The kernel counted them too: 3 connections per destination.  The counters reach
# ipvsadm through the estimator, which folds the per-CPU counts every 2 s.
three_conns() {
  [ "$(in_ns dir ipvsadm -Ln --stats | awk -v d="$1:80" '$2 == d { print $3 }')" = 3 ]
}
for rs in "$RS1" "$RS2"; do
  wait_until 5 "ipvsadm --stats: 3 connections to $rs" three_conns "$rs"
done
in_ns dir ipvsadm -Ln --stats
log "PASS: 6 requests through $VIP reached rs1 x3 and rs2 x3"
