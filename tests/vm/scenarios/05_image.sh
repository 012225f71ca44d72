# The image is whole: every binary and every library vigild opens at run time
# resolves all its dependencies inside the guest, vigild checks a configuration,
# and a vigild run in a namespace becomes VRRP master and takes its VIP.  A missing
# library would otherwise show up only as a confusing failure in a later scenario.
. /vigil/lib.sh

ldso=/lib64/ld-linux-x86-64.so.2
resolves() {
  out=$("$ldso" --list "$1" 2>&1) || { echo "$out"; return 1; }
  ! echo "$out" | grep 'not found'
}
n=0
for bin in /usr/sbin/vigild /usr/sbin/vigilctl /usr/sbin/keepalived /usr/sbin/ipvsadm \
    /usr/sbin/nft /usr/bin/ip /usr/bin/kmod /vigil/bin/*; do
  [ -f "$bin" ] || continue
  head -c 4 "$bin" | grep -q ELF || continue
  resolves "$bin" || fail "$bin does not resolve its libraries"
  n=$(( n + 1 ))
done
for soname in $(cat /vigil/lazylibs); do
  lib=/usr/lib/x86_64-linux-gnu/$soname
  [ -f "$lib" ] || fail "$soname (opened by vigild at run time) is not in the image"
  resolves "$lib" || fail "$soname does not resolve its libraries"
  n=$(( n + 1 ))
done
log "$n binaries and run-time libraries resolve"
vigild --version | grep -E '^vigild|Running on'

cat > /tmp/vrrp.conf <<CONF
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 0.1
    version 3
    virtual_ipaddress {
        10.0.1.200/24 dev eth0
    }
}
CONF
ns sw
ns lb
bridge sw br0
plug sw br0 lb eth0 10.0.1.1/24
lab_apply
in_ns lb vigild -t -f /tmp/vrrp.conf || fail "vigild -t rejects a plain VRRP configuration"
nsenter --net=/run/netns/lb vigild -n -l -D -f /tmp/vrrp.conf \
  -p /tmp/vigild.pid -r /tmp/vigild-vrrp.pid -c /tmp/vigild-check.pid > /tmp/vigild.log 2>&1 &
vigild=$!
trap 'kill -9 $vigild 2>/dev/null; echo "--- vigild log"; cat /tmp/vigild.log; lab_cleanup' EXIT
has_vip() { ip -n lb addr show dev eth0 | grep -q 10.0.1.200/24; }
wait_until 10 "vigild in the guest is master with its VIP" has_vip
kill -TERM "$vigild"
gone() { ! has_vip; }
wait_until 10 "SIGTERM: vigild removed its VIP" gone
log "PASS"
