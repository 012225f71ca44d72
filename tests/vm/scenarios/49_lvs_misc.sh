# vm-directors: keepalived vigild
# MISC_CHECK (NAT): a script decides each real server's health (exit 0 up, 1 down):
# /run/lvs/check NAME fails while /tmp/down.NAME exists.  rs2 is marked down and leaves
# the table (the client reaches rs1 only), is marked up and returns.
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs2
script check '[ ! -e "/tmp/down.$1" ]'
misc_rs() {
  cat <<RS
    real_server $1 80 {
        MISC_CHECK {
            misc_path "/run/lvs/check $2"
            misc_timeout 2
        }
    }
RS
}
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo rr
    lb_kind NAT
    protocol TCP
$(misc_rs "$RS1" rs1)
$(misc_rs "$RS2" rs2)
}
CONF
director_check /tmp/lvs.conf
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS2:80"; }
wait_until 15 "rs1 and rs2 in the table" both
from_all 4 rs1 rs2
touch /tmp/down.rs2
wait_until 15 "rs2 left the table once its script failed" ipvs_lacks dir "$RS2:80"
ipvs dir
only_from rs1 4
rm /tmp/down.rs2
wait_until 15 "rs2 returned once its script passed" both
ipvs dir
from_all 4 rs1 rs2
log "PASS: $DIRECTOR: MISC_CHECK's exit status moved rs2 out of the table and back"
