/* resume.c: the gates' states one worker hands the next under --privsep,
 * "NAME=STATE:OVERRIDE;NAME=STATE:OVERRIDE" (pure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "resume.h"

int resume_append(char *buf, size_t len, const char *name, enum gate_state st,
		  enum gate_override ov)
{
	size_t used = strnlen(buf, len);
	int n;

	if (!name[0] || strpbrk(name, "=:;"))
		return -EINVAL;
	if (used >= len)
		return -ENOSPC;
	n = snprintf(buf + used, len - used, "%s%s=%s:%s", used ? ";" : "",
		     name, gate_state_name(st), gate_override_name(ov));
	if (n < 0 || (size_t)n >= len - used) {
		buf[used] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* The state named @s (@n bytes), or -1. */
static int state_named(const char *s, size_t n)
{
	for (int st = GATE_STARTUP; st <= GATE_FORCED; st++) {
		const char *name = gate_state_name((enum gate_state)st);
		if (strlen(name) == n && !strncmp(name, s, n))
			return st;
	}
	return -1;
}

/* One entry "NAME=STATE:OVERRIDE" of @n bytes at @e, if it is @name's. */
static int parse_entry(const char *e, size_t n, const char *name,
		       enum gate_state *st, enum gate_override *ov)
{
	const char *eq = memchr(e, '=', n), *colon;
	char ovname[16];
	size_t ovlen;
	int state;

	if (!eq)
		return -EINVAL;
	if ((size_t)(eq - e) != strlen(name) || strncmp(e, name, eq - e))
		return -ENOENT;
	colon = memchr(eq, ':', n - (size_t)(eq - e));
	if (!colon)
		return -EINVAL;
	state = state_named(eq + 1, (size_t)(colon - eq - 1));
	ovlen = n - (size_t)(colon + 1 - e);
	if (state < 0 || ovlen >= sizeof(ovname))
		return -EINVAL;
	memcpy(ovname, colon + 1, ovlen);
	ovname[ovlen] = '\0';
	if (gate_override_parse(ovname, ov) < 0)
		return -EINVAL;
	*st = (enum gate_state)state;
	return 0;
}

int resume_find(const char *text, const char *name, enum gate_state *st,
		enum gate_override *ov)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, ";");
		int r = n ? parse_entry(p, n, name, st, ov) : -ENOENT;

		if (r != -ENOENT)
			return r;
		p += n;
		if (*p == ';')
			p++;
	}
	return -ENOENT;
}
