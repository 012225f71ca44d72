# vm-directors: keepalived vigild
# LVS-DR under TCP_CHECK with the director daemon in $DIRECTOR: the client's requests
# reach only healthy real servers; a killed server leaves the table and comes back.
. /vigil/lib.sh

lvs_follow_health DR
