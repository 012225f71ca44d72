#!/bin/sh
# Guest side of the IPVS round trip: run inside the VM (as its /init's
# payload, after `modprobe ip_vs` and the schedulers, with lo and a
# dummy0 up: the kernel refuses an IPv4 destination it has no route
# type for, -EINVAL). Services and destinations are added through
# lb/ipvs.c (ipvs_roundtrip) and by ipvsadm; after each step both
# listings must be the same. Prints one "SAME ..." or "DIFFERENT ..."
# line per step and exits 1 on any difference or failed change.
RT=${IPVS_ROUNDTRIP:-ipvs_roundtrip}
fail=0

compare() {
        "$RT" -L > /tmp/rt.ours || fail=1
        ipvsadm -Ln > /tmp/rt.theirs
        sed 's/ *$//' /tmp/rt.ours > /tmp/rt.o; sed 's/ *$//' /tmp/rt.theirs > /tmp/rt.t
        if diff /tmp/rt.t /tmp/rt.o > /tmp/rt.d; then
                echo "SAME as ipvsadm -Ln ($1), $(wc -l < /tmp/rt.o) lines"
        else
                echo "DIFFERENT ($1):"; cat /tmp/rt.d; fail=1
        fi
}

expect() { # expect RC DESCRIPTION CMD...
        want=$1; what=$2; shift 2
        "$@" > /dev/null; got=$?
        [ "$got" = "$want" ] || { echo "FAILED: $what: exit $got, want $want"; fail=1; }
}

ipvsadm -C
expect 0 "NAT, DR and a GUE tunnel" "$RT" -t 10.0.0.1:80 -s wrr -r 10.0.1.2:80 -w 1 \
        -r 10.0.1.3:80 -m -w 2 -x 100 -y 50 -r 10.0.1.4:80 -i --tun-type gue --tun-port 6080 --tun-csum
expect 0 "IPv6, sh flags, persistence, pe" "$RT" -u '[2001:db8::1]:53' -s sh -b sh-fallback,sh-port \
        -p 300 -M 64 --pe sip -r '[2001:db8::2]:53' -m -w 3
expect 0 "fwmark, mh, ops, mixed-family tunnel" "$RT" -f 7 -s mh -b mh-port -o -r 10.0.2.1:0 -w 0 \
        -r '[2001:db8::9]:80' -i --tun-type ipip
expect 0 "SCTP, IPv4 granularity" "$RT" --sctp-service 10.0.0.5:3868 -s rr -p 60 -M 24 -r 10.0.3.1:3868
expect 0 "lvs_timeouts" "$RT" --set 7200,120,60
ipvsadm -L --timeout | grep -q "7200 120 60" || { echo "FAILED: timeouts not set"; fail=1; }
compare "added through lb/ipvs.c"

ipvsadm -A -t 10.0.0.9:443 -s lblcr -p 120 -M 255.255.0.0
ipvsadm -a -t 10.0.0.9:443 -r 10.0.9.1:443 -g -w 7 -x 10 -y 5
ipvsadm -a -t 10.0.0.9:443 -r 10.0.9.2:443 -i -w 2
ipvsadm -A -u 10.0.0.9:53 -s dh -o
ipvsadm -A -f 99 -6 -s nq
compare "added by ipvsadm"

expect 1 "an existing service is refused" "$RT" -t 10.0.0.1:80 -s rr
expect 1 "an unknown scheduler is refused" "$RT" -t 10.0.0.77:80 -s nosuchsched
expect 0 "flush" "$RT" -C
[ "$(ipvsadm -Ln | wc -l)" = 3 ] || { echo "FAILED: the table is not empty after a flush"; fail=1; }

# A thousand destinations in one change set: several batches, a dump of
# many 32 KiB chunks.
i=1; args=""
while [ $i -le 1000 ]; do args="$args -r 10.1.$((i / 250)).$((i % 250 + 1)):80 -w $i"; i=$((i + 1)); done
# shellcheck disable=SC2086
expect 0 "1,000 destinations" "$RT" -t 10.0.0.1:80 -s wrr $args
compare "1,000 destinations"
ipvsadm -C
exit $fail
