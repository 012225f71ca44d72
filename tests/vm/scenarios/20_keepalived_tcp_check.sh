# keepalived 2.2.7 as the reference director: a NAT virtual_server with two
# real_servers under TCP_CHECK.  Both are listed; rs2's listener dies and rs2 leaves
# the table (traffic then goes to rs1 only); it comes back and rs2 returns; SIGTERM
# removes the service.  This is the behaviour vigild's check worker must match.
. /vigil/lib.sh

lab_nat
http_server rs1 /tmp/www1 80 rs1 > /dev/null
rs2=$(http_server rs2 /tmp/www2 80 rs2)
wait_until 5 "rs1 listens" listening rs1 80
wait_until 5 "rs2 listens" listening rs2 80

cat > /tmp/keepalived.conf <<CONF
global_defs {
    router_id vm_director
}
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server $RS1 80 {
        TCP_CHECK {
            connect_timeout 3
            retry 0
        }
    }
    real_server $RS2 80 {
        TCP_CHECK {
            connect_timeout 3
            retry 0
        }
    }
}
CONF
keepalived -t -f /tmp/keepalived.conf || fail "keepalived -t rejects the config"
nsenter --net=/run/netns/dir keepalived -n -l -G -D -C -f /tmp/keepalived.conf \
  -p /tmp/ka.pid -r /tmp/ka-vrrp.pid -c /tmp/ka-check.pid > /tmp/ka.log 2>&1 &
ka=$!
trap 'kill -9 $ka 2>/dev/null; echo "--- keepalived log"; cat /tmp/ka.log; lab_cleanup' EXIT

wait_until 10 "keepalived lists rs1" ipvs_has dir "$RS1:80"
wait_until 10 "keepalived lists rs2" ipvs_has dir "$RS2:80"
ipvs dir

kill "$rs2"
log "rs2's listener killed"
wait_until 15 "rs2 left the table" ipvs_lacks dir "$RS2:80"
ipvs dir
ipvs_has dir "$RS1:80" || fail "rs1 left the table too"
answers=$(requests 3)
echo "answers:" $answers
[ "$(echo "$answers" | grep -c '^rs1$')" = 3 ] || fail "with rs2 down, 3 requests gave: $answers"

http_server rs2 /tmp/www2 80 rs2 > /dev/null
wait_until 5 "rs2 listens again" listening rs2 80
wait_until 15 "rs2 returned to the table" ipvs_has dir "$RS2:80"
ipvs dir
answers=$(requests 4)
echo "answers:" $answers
echo "$answers" | grep -q '^rs2$' || fail "rs2 is back in the table but got none of 4 requests"

kill -TERM "$ka"
wait_until 10 "SIGTERM: keepalived removed its service" ipvs_lacks dir "$VIP:80"
log "PASS: keepalived followed rs2 down and up"
