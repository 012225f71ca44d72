# vm-directors: keepalived vigild
# LVS-NAT under HTTP_GET with a digest per real server (busybox httpd in rs1, rs2):
# both serve the client; rs2's page changes (it still answers 200, so only the
# digest can tell) and rs2 leaves `ipvsadm -Ln`, the client then reaches rs1 only;
# the page is restored and rs2 returns; rs2's httpd is killed (connection refused)
# and it leaves again, restarted and it returns.  vigild: `vigilctl status -j`
# names each failure (digest_mismatch, connect_refused).
. /vigil/lib.sh
. /vigil/scenarios/http.inc

lvs_lab NAT
rs_up rs1
rs_up rs2
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
$(http_rs "$RS1" 80 "$(digest rs1)")
$(http_rs "$RS2" 80 "$(digest rs2)")
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C

wait_until 20 "rs1 in the table" ipvs_has dir "$RS1:80"
wait_until 20 "rs2 in the table" ipvs_has dir "$RS2:80"
ipvs dir
from_all 4 rs1 rs2

cp /tmp/www-rs2/index.html /tmp/rs2.page
echo "rs2 under maintenance" > /tmp/www-rs2/index.html
wait_until 15 "rs2 left the table (its page changed: digest mismatch)" ipvs_lacks dir "$RS2:80"
ipvs dir
ipvs_has dir "$RS1:80" || fail "rs1 left the table too"
expect_reason "$RS2" digest_mismatch
only_from rs1 4
cp /tmp/rs2.page /tmp/www-rs2/index.html
wait_until 15 "rs2 returned (its page is back)" ipvs_has dir "$RS2:80"
from_all 4 rs1 rs2

rs_down rs2
wait_until 15 "rs2 left the table (httpd killed)" ipvs_lacks dir "$RS2:80"
expect_reason "$RS2" connect_refused
only_from rs1 4
rs_up rs2
wait_until 15 "rs2 returned (httpd restarted)" ipvs_has dir "$RS2:80"
ipvs dir
from_all 4 rs1 rs2
director_stop d1
ipvs_lacks dir "$VIP:80" || fail "the service outlived the director: $(ipvs dir)"
log "PASS: $DIRECTOR: HTTP_GET followed rs2's page and its httpd down and up"
