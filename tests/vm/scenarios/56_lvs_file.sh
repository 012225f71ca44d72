# vm-directors: keepalived vigild
# FILE_CHECK (NAT): a track_file's number decides each real server. rs2's file has
# weight 0, so a non-zero value takes rs2 out of the table and 0 brings it back;
# rs1's value times its FILE_CHECK weight (2) is added to its IPVS weight (1).
. /vigil/lib.sh

lvs_lab NAT
rs_up rs1
rs_up rs2
mkdir -p -m 755 /run/lvs
echo 0 > /run/lvs/rs1.value
echo 0 > /run/lvs/rs2.value
cat > /tmp/lvs.conf <<CONF
$SECURE_GLOBALS
track_file rs1_value {
    file /run/lvs/rs1.value
}
track_file rs2_state {
    file /run/lvs/rs2.value
    weight 0
}
virtual_server $VIP 80 {
    delay_loop 1
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server $RS1 80 {
        weight 1
        FILE_CHECK {
            track_file rs1_value
            weight 2
        }
    }
    real_server $RS2 80 {
        weight 1
        FILE_CHECK {
            track_file rs2_state
        }
    }
}
CONF
director_check /tmp/lvs.conf lax
director_start d1 dir /tmp/lvs.conf -C
both() { ipvs_has dir "$RS1:80" && ipvs_has dir "$RS2:80"; }
wait_until 15 "rs1 and rs2 in the table" both
ipvs dir
from_all 4 rs1 rs2
echo 1 > /run/lvs/rs2.value
wait_until 15 "rs2 left the table once its file said 1" ipvs_lacks dir "$RS2:80"
ipvs dir
only_from rs1 4
echo 0 > /run/lvs/rs2.value
wait_until 15 "rs2 returned once its file said 0" both
echo 3 > /run/lvs/rs1.value
wait_until 15 "rs1's weight is 1 + 3 x 2" weight_is dir "$RS1:80" 7
ipvs dir
echo 0 > /run/lvs/rs1.value
wait_until 15 "rs1's weight is back to 1" weight_is dir "$RS1:80" 1
from_all 4 rs1 rs2
director_stop d1
ipvs_lacks dir "$VIP:80" || fail "the service outlived the director: $(ipvs dir)"
log "PASS: $DIRECTOR: FILE_CHECK's file moved rs2 out of the table and back, and set rs1's weight"
