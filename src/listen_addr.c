/* listen_addr.c: "address:port" values of listening keys (metrics_listen). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "listen_addr.h"

static int refuse(char *why, size_t len, const char *reason)
{
	snprintf(why, len, "%s", reason);
	return -EINVAL;
}

/* The decimal port after the last ':' of the value; 0 if none or bad. */
static unsigned parse_port(const char *p)
{
	char *end;
	unsigned long v;

	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return 0;
	return (unsigned)v;
}

int listen_addr_parse(const char *s, struct listen_addr *out, char *why,
		      size_t why_len)
{
	unsigned char bin[16];
	const char *colon, *host = s;
	size_t host_len;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return refuse(why, why_len,
				      "expected [IPv6 address]:port");
		host = s + 1;
		host_len = (size_t)(close - host);
		colon = close + 1;
		out->family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return refuse(why, why_len,
				      "expected address:port, "
				      "e.g. 127.0.0.1:9817");
		if (memchr(s, ':', (size_t)(colon - s)))
			return refuse(why, why_len,
				      "an IPv6 address goes in "
				      "brackets: [::1]:9817");
		host_len = (size_t)(colon - s);
		out->family = AF_INET;
	}
	if (host_len == 0 || host_len >= sizeof(out->host))
		return refuse(why, why_len, "missing or overlong address");
	memcpy(out->host, host, host_len);
	out->host[host_len] = '\0';
	if (inet_pton(out->family, out->host, bin) != 1)
		return refuse(
		    why, why_len,
		    out->family == AF_INET6
			? "not a numeric IPv6 address"
			: "not a numeric IPv4 address (host names are "
			  "not resolved)");
	out->port = parse_port(colon + 1);
	if (!out->port)
		return refuse(why, why_len, "the port must be 1..65535");
	return 0;
}
