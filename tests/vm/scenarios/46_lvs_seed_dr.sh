# vm-directors: keepalived vigild
# The seeds' 001-lvs-dr.conf end to end, adapted to the VM's addresses only (VIP
# 192.168.1.77 -> 10.0.1.100, real server 192.168.1.201 -> rs1): VRRP takes the VIP,
# the DR service appears as written (wrr, persistent 60, rs1 at weight 3, Route) once
# HTTP_GET passes, the client fetches through the VIP, SIGTERM takes both away.
. /vigil/lib.sh

LAB_VIP=no lvs_lab DR
rs_up rs1 8080
sed -e "s/192\.168\.1\.77/$VIP/g" -e "s/192\.168\.1\.201/$RS1/g" \
  /vigil/configs/001-lvs-dr.conf > /tmp/lvs.conf
grep -v '^ *#' /tmp/lvs.conf
director_check /tmp/lvs.conf lax
director_start d1 dir /tmp/lvs.conf
has_vip() { ip -n dir addr show dev eth0 | grep -q "inet $VIP/32"; }
wait_until 10 "VRRP: the director took the VIP" has_vip
wait_until 20 "rs1 in the table after its first check" ipvs_has dir "$RS1:8080"
ipvs dir
ipvs_has dir "TCP  $VIP:8080 wrr persistent 60" || fail "the service is not wrr persistent 60"
ipvs dir | grep -q -- "-> $RS1:8080 *Route *3 " || fail "rs1 is not a Route destination of weight 3"
for i in 1 2 3; do
  got=$(http_get client "$VIP" 8080)
  [ "$got" = rs1 ] || fail "request $i through $VIP:8080 got '$got', not rs1"
done
log "3 requests through $VIP:8080 answered by rs1"
director_stop d1
has_vip && fail "the VIP outlived the director"
ipvs_lacks dir "$VIP:8080" || fail "the service outlived the director"
log "PASS: $DIRECTOR ran 001-lvs-dr.conf end to end"
