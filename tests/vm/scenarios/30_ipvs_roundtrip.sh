# The IPVS round trip of lb/ipvs.c: ipvs_roundtrip (built by meson as
# build/tests/ipvs_roundtrip, put in /vigil/bin by tests/vm/build.py when it exists)
# programs services and destinations over generic netlink with ipvsadm's options
# and lists the table (-L) the way `ipvsadm -Ln` does.  After every step the two
# listings must be the same, whoever made the change; a flush empties the table.
. /vigil/lib.sh

tool=/vigil/bin/ipvs_roundtrip
[ -x "$tool" ] || { log "SKIP: $tool is not in this build"; exit 77; }

# The kernel refuses a destination it has no route type for, so the namespace gets
# a dummy interface with an IPv4 and an IPv6 prefix over the addresses used below.
ns rt
queue rt link add dummy0 type dummy
queue rt addr add 10.0.0.254/8 dev dummy0
queue rt addr add 2001:db8::fe/64 dev dummy0 nodad
queue rt link set dummy0 up
lab_apply

steps=0
# same WHAT: the tool's listing equals ipvsadm's (trailing spaces aside).
same() {
  in_ns rt "$tool" -L > /tmp/tool.out 2> /tmp/tool.err || {
    cat /tmp/tool.err; fail "$tool -L exited non-zero ($1)"; }
  ipvs rt > /tmp/kernel.out || fail "ipvsadm -Ln"
  sed 's/ *$//' /tmp/kernel.out > /tmp/want
  sed 's/ *$//' /tmp/tool.out > /tmp/got
  if ! diff /tmp/want /tmp/got; then
    fail "$1: the tool's listing differs from ipvsadm -Ln (- kernel, + tool)"
  fi
  steps=$(( steps + 1 ))
  log "same as ipvsadm -Ln: $1 ($(grep -c '^  -> [0-9[]' /tmp/want) destinations)"
}
# tool WHAT ARGS...: a change through lb/ipvs.c that must be acknowledged.
tool() {
  what=$1; shift
  in_ns rt "$tool" "$@" > /tmp/tool.out 2>&1 || { cat /tmp/tool.out; fail "$what: $tool $* failed"; }
}

tool "NAT, DR and TUN" -t 10.0.0.1:80 -s wrr -r 10.0.1.2:80 -g -w 1 \
  -r 10.0.1.3:80 -m -w 2 -x 100 -y 50 -r 10.0.1.4:80 -i
ipvs_has rt "10.0.1.4:80 *Tunnel" || fail "the kernel has no tunnel destination after the tool's change"
same "NAT, DR and TUN added by the tool"
tool "IPv6 UDP with persistence" -u '[2001:db8::1]:53' -s sh -p 300 -r '[2001:db8::2]:53' -m -w 3
tool "fwmark" -f 7 -s rr -r 10.0.2.1:0 -w 0
same "IPv6 and fwmark services added by the tool"

in_ns rt ipvsadm -A -t 10.0.0.9:443 -s lc -p 120 || fail "ipvsadm -A"
in_ns rt ipvsadm -a -t 10.0.0.9:443 -r 10.0.9.1:443 -g -w 7 || fail "ipvsadm -a"
in_ns rt ipvsadm -a -t 10.0.0.9:443 -r 10.0.9.2:443 -m -w 2 || fail "ipvsadm -a"
same "a service added by ipvsadm, read by the tool"

tool "flush" -C
[ "$(ipvs rt | wc -l)" = 3 ] || { ipvs rt; fail "the table is not empty after the tool's flush"; }
same "flushed"
log "PASS: $steps listings agree with ipvsadm -Ln"
