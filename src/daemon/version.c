/* vigild -v: what keepalived -v says, for this build: the version, the
 * libraries (linked, or loaded on demand with the version built against)
 * and the features. */
#include "daemon/version.h"

#include <jansson.h>
#include <linux/version.h>
#include <sys/utsname.h>
#include <uv.h>

#include "vigil-config.h"

void vigil_print_version(FILE *f)
{
        struct utsname u;

        fprintf(f, "vigild v%s\n\n", VIGIL_VERSION);
        fprintf(f, "Copyright (C) the vigil authors; GPL-2.0-or-later\n\n");
        fprintf(f, "Built with kernel headers for Linux %d.%d.%d\n", LINUX_VERSION_CODE >> 16,
                (LINUX_VERSION_CODE >> 8) & 0xff, LINUX_VERSION_CODE & 0xff);
        if (uname(&u) == 0)
                fprintf(f, "Running on %s %s %s\n", u.sysname, u.release, u.version);
        fprintf(f, "\nLibraries:  libuv %s, libmnl %s, jansson %s\n", uv_version_string(), VIGIL_LIBMNL_VERSION,
                jansson_version_str());
        fprintf(f, "Loaded on demand:  libcurl %s, libmicrohttpd %s, libnftables %s, libcrypto %s, libsystemd %s\n"
                   "                   (versions built against; each is opened only when the configuration or\n"
                   "                   the environment needs it)\n",
                VIGIL_LIBCURL_VERSION, VIGIL_LIBMICROHTTPD_VERSION, VIGIL_LIBNFTABLES_VERSION, VIGIL_LIBCRYPTO_VERSION,
                VIGIL_LIBSYSTEMD_VERSION);
        fprintf(f, "\nFeatures:  VRRP VRRPv3 IPv6 VMAC NFTABLES VRRP_AUTH(PASS,AH) JSON SYSTEMD_NOTIFY METRICS\n");
        fprintf(f, "Not yet:   LVS (health checker), BFD, SNMP, DBUS\n");
}
