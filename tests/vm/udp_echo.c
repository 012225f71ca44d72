/* A UDP responder for the VM scenarios (the guest's busybox has none):
 * udp_echo PORT answers every datagram on PORT (IPv4 and IPv6) with the
 * same bytes. Built by meson as build/tests/udp_echo, put in /vigil/bin by
 * tests/vm/build.py; never installed. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
        unsigned char buf[65536];
        int fd, off = 0;

        if (argc != 2) {
                fprintf(stderr, "usage: %s PORT\n", argv[0]);
                return 2;
        }
        sa.sin6_port = htons((uint16_t)strtoul(argv[1], NULL, 10));
        fd = socket(AF_INET6, SOCK_DGRAM, 0);
        /* one dual-stack socket: IPv4 peers arrive as ::ffff:a.b.c.d */
        if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
            bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                perror("udp_echo");
                return 1;
        }
        for (;;) {
                struct sockaddr_in6 peer;
                socklen_t len = sizeof(peer);
                ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);
                if (n < 0 && errno != EINTR)
                        return 1;
                if (n >= 0)
                        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len);
        }
}
