/* listen_addr.h: "address:port" values of listening keys (metrics_listen). */
#ifndef PHCB_LISTEN_ADDR_H
#define PHCB_LISTEN_ADDR_H

#include <stddef.h>

#define LISTEN_HOST_MAX 46 /* INET6_ADDRSTRLEN */

/* A numeric address and a port to listen on. */
struct listen_addr {
	char host[LISTEN_HOST_MAX]; /* "127.0.0.1", "::1", "0.0.0.0", "::" */
	unsigned port;		    /* 1..65535 */
	int family;		    /* AF_INET or AF_INET6 */
};

/**
 * listen_addr_parse - parse "IPv4:port" or "[IPv6]:port".
 * @s:   the value, e.g. "127.0.0.1:9817" or "[::1]:9817"
 * @out: the address, port and family
 * Host names are refused (a daemon that starts before the network must not
 * depend on name resolution). Returns 0, or -EINVAL with a reason in @why
 * (of @why_len bytes).
 */
int listen_addr_parse(const char *s, struct listen_addr *out, char *why,
		      size_t why_len);

#endif
