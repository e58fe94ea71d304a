/* privsep_msg.c: the messages between the privileged parent and the
 * unprivileged worker (doc/design-notes.md, privilege separation): their
 * wire form and its validation (pure).
 *
 * Wire form, little-endian: type u16, flags u16 (0), seq u32, body length
 * u32, then the body of the type: a fixed part, and for the text types the
 * text (no NUL in it) up to the end. */
#include <errno.h>
#include <string.h>

#include "le.h"
#include "privsep_msg.h"

#define ERRNO_MAX 4095

/* The shape of a type's body. */
enum body {
	B_NONE,	   /* empty */
	B_U32,	   /* one u32: version, source or generation */
	B_PTP4L,   /* source u32, generation u32 */
	B_ERR,	   /* errno i32 */
	B_PHC,	   /* index i32, path, name */
	B_CONFIG,  /* generation u32, path, text */
	B_TEXT,	   /* text */
	B_BYTES,   /* bytes, NUL among them (a struct of the same program) */
};

static const struct {
	const char *name;
	enum body body;
	bool fd;
} types[PRIVSEP_TYPE_END] = {
	[PRIVSEP_HELLO] = { "HELLO", B_U32, false },
	[PRIVSEP_CONFIG] = { "CONFIG", B_CONFIG, false },
	[PRIVSEP_OPEN_PHC] = { "OPEN_PHC", B_U32, false },
	[PRIVSEP_PHC] = { "PHC", B_PHC, true },
	[PRIVSEP_CONNECT_FEED] = { "CONNECT_FEED", B_U32, false },
	[PRIVSEP_OPEN_CHRONY] = { "OPEN_CHRONY", B_U32, false },
	[PRIVSEP_CONNECT_PTP4L] = { "CONNECT_PTP4L", B_PTP4L, true },
	[PRIVSEP_OPEN_CONTROL] = { "OPEN_CONTROL", B_NONE, false },
	[PRIVSEP_OPEN_METRICS] = { "OPEN_METRICS", B_NONE, false },
	[PRIVSEP_OPEN_VMCLOCK] = { "OPEN_VMCLOCK", B_U32, false },
	[PRIVSEP_OK] = { "OK", B_NONE, true },
	[PRIVSEP_ERR] = { "ERR", B_ERR, false },
	[PRIVSEP_OPEN_TEXTFILE] = { "OPEN_TEXTFILE", B_NONE, false },
	[PRIVSEP_NOTIFY] = { "NOTIFY", B_TEXT, false },
	[PRIVSEP_HEARTBEAT] = { "HEARTBEAT", B_NONE, false },
	[PRIVSEP_RELOAD] = { "RELOAD", B_NONE, false },
	[PRIVSEP_STOP] = { "STOP", B_NONE, false },
	[PRIVSEP_RESUME] = { "RESUME", B_TEXT, false },
	[PRIVSEP_COMMIT_TEXTFILE] = { "COMMIT_TEXTFILE", B_U32, false },
	[PRIVSEP_REFUSED] = { "REFUSED", B_TEXT, false },
	[PRIVSEP_AUDIT_GATHER] = { "AUDIT_GATHER", B_NONE, false },
	[PRIVSEP_AUDIT_HOST] = { "AUDIT_HOST", B_BYTES, false },
	[PRIVSEP_PROBE_HOST] = { "PROBE_HOST", B_NONE, false },
	[PRIVSEP_HOST] = { "HOST", B_BYTES, false },
	[PRIVSEP_OPEN_PTP4L] = { "OPEN_PTP4L", B_PTP4L, false },
};

static bool type_known(unsigned t)
{
	return t > 0 && t < PRIVSEP_TYPE_END;
}

const char *privsep_type_name(enum privsep_type t)
{
	return type_known((unsigned)t) ? types[t].name : "?";
}

bool privsep_carries_fd(enum privsep_type t)
{
	return type_known((unsigned)t) && types[t].fd;
}

bool privsep_carries_bytes(enum privsep_type t)
{
	return type_known((unsigned)t) && types[t].body == B_BYTES;
}

/* The fixed part of a body, before any text. */
static size_t fixed_len(enum body b)
{
	switch (b) {
	case B_U32:
	case B_ERR:
		return 4;
	case B_PTP4L:
		return 8;
	case B_PHC:
		return 4 + PRIVSEP_PATH_MAX + PRIVSEP_NAME_MAX;
	case B_CONFIG:
		return 4 + PRIVSEP_PATH_MAX;
	default:
		return 0;
	}
}

static bool has_text(enum body b)
{
	return b == B_CONFIG || b == B_TEXT || b == B_BYTES;
}

/* The value of a B_U32 body for @m's type. */
static uint32_t u32_of(const struct privsep_msg *m)
{
	switch (m->type) {
	case PRIVSEP_HELLO:
		return m->version;
	case PRIVSEP_OPEN_CHRONY:
		return m->generation;
	case PRIVSEP_COMMIT_TEXTFILE:
		return m->commit;
	default:
		return m->source;
	}
}

static void set_u32(struct privsep_msg *m, uint32_t v)
{
	switch (m->type) {
	case PRIVSEP_HELLO:
		m->version = v;
		break;
	case PRIVSEP_OPEN_CHRONY:
		m->generation = v;
		break;
	case PRIVSEP_COMMIT_TEXTFILE:
		m->commit = v;
		break;
	default:
		m->source = v;
		break;
	}
}

/* Whether @m's type names a source by index. */
static bool names_source(enum privsep_type t)
{
	return t == PRIVSEP_OPEN_PHC || t == PRIVSEP_CONNECT_FEED ||
	       t == PRIVSEP_OPEN_VMCLOCK || t == PRIVSEP_CONNECT_PTP4L ||
	       t == PRIVSEP_OPEN_PTP4L;
}

static bool string_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* What encode refuses before writing anything. */
static int check_out(const struct privsep_msg *m, enum body b)
{
	if (names_source(m->type) && m->source >= PRIVSEP_SOURCES_MAX)
		return -EINVAL;
	if (b == B_ERR && (m->error <= 0 || m->error > ERRNO_MAX))
		return -EINVAL;
	if ((b == B_PHC || b == B_CONFIG) &&
	    !string_ok(m->path, sizeof(m->path)))
		return -EINVAL;
	if (b == B_PHC && !string_ok(m->name, sizeof(m->name)))
		return -EINVAL;
	if (has_text(b) &&
	    (m->text_len > PRIVSEP_TEXT_MAX || (m->text_len && !m->text) ||
	     (m->text_len && b != B_BYTES &&
	      memchr(m->text, '\0', m->text_len))))
		return -EINVAL;
	return 0;
}

static void put_string(uint8_t *p, const char *s, size_t cap)
{
	size_t n = strlen(s);

	memset(p, 0, cap);
	memcpy(p, s, n);
}

static void put_body(const struct privsep_msg *m, enum body b, uint8_t *p)
{
	switch (b) {
	case B_U32:
		le_put32(p, u32_of(m));
		break;
	case B_PTP4L:
		le_put32(p, m->source);
		le_put32(p + 4, m->generation);
		break;
	case B_ERR:
		le_put32(p, (uint32_t)m->error);
		break;
	case B_PHC:
		le_put32(p, (uint32_t)m->index);
		put_string(p + 4, m->path, PRIVSEP_PATH_MAX);
		put_string(p + 4 + PRIVSEP_PATH_MAX, m->name, PRIVSEP_NAME_MAX);
		break;
	case B_CONFIG:
		le_put32(p, m->generation);
		put_string(p + 4, m->path, PRIVSEP_PATH_MAX);
		break;
	default:
		break;
	}
	if (has_text(b) && m->text_len)
		memcpy(p + fixed_len(b), m->text, m->text_len);
}

int privsep_encode(const struct privsep_msg *m, uint8_t *buf, size_t len)
{
	enum body b;
	size_t body;
	int r;

	if (!type_known((unsigned)m->type))
		return -EINVAL;
	b = types[m->type].body;
	r = check_out(m, b);
	if (r < 0)
		return r;
	body = fixed_len(b) + (has_text(b) ? m->text_len : 0);
	if (len < PRIVSEP_HEADER_LEN + body)
		return -ENOSPC;
	le_put16(buf, (uint16_t)m->type);
	le_put16(buf + 2, 0);
	le_put32(buf + 4, m->seq);
	le_put32(buf + 8, (uint32_t)body);
	put_body(m, b, buf + PRIVSEP_HEADER_LEN);
	return (int)(PRIVSEP_HEADER_LEN + body);
}

/* A fixed-size string field into @dst; -EBADMSG without its NUL. */
static int take_string(const uint8_t *p, char *dst, size_t cap)
{
	if (!memchr(p, '\0', cap))
		return -EBADMSG;
	memcpy(dst, p, cap);
	return 0;
}

static int take_body(struct privsep_msg *m, enum body b, uint8_t *p)
{
	int r = 0;

	switch (b) {
	case B_U32:
		set_u32(m, le_get32(p));
		break;
	case B_PTP4L:
		m->source = le_get32(p);
		m->generation = le_get32(p + 4);
		break;
	case B_ERR:
		m->error = (int32_t)le_get32(p);
		if (m->error <= 0 || m->error > ERRNO_MAX)
			return -ERANGE;
		break;
	case B_PHC:
		m->index = (int32_t)le_get32(p);
		r = take_string(p + 4, m->path, PRIVSEP_PATH_MAX);
		if (r == 0)
			r = take_string(p + 4 + PRIVSEP_PATH_MAX, m->name,
					PRIVSEP_NAME_MAX);
		break;
	case B_CONFIG:
		m->generation = le_get32(p);
		r = take_string(p + 4, m->path, PRIVSEP_PATH_MAX);
		break;
	default:
		break;
	}
	if (r == 0 && names_source(m->type) &&
	    m->source >= PRIVSEP_SOURCES_MAX)
		r = -ERANGE;
	return r;
}

int privsep_decode(uint8_t *buf, size_t len, size_t cap,
		   struct privsep_msg *m)
{
	unsigned t;
	size_t body, fixed;
	enum body b;
	int r;

	memset(m, 0, sizeof(*m));
	if (len < PRIVSEP_HEADER_LEN || cap <= len)
		return -EBADMSG;
	t = le_get16(buf);
	body = le_get32(buf + 8);
	if (le_get16(buf + 2) != 0 || body != len - PRIVSEP_HEADER_LEN)
		return -EBADMSG;
	if (!type_known(t))
		return -EPROTO;
	m->type = (enum privsep_type)t;
	m->seq = le_get32(buf + 4);
	b = types[t].body;
	fixed = fixed_len(b);
	if (body < fixed || (!has_text(b) && body != fixed) ||
	    body - fixed > PRIVSEP_TEXT_MAX)
		return -EBADMSG;
	r = take_body(m, b, buf + PRIVSEP_HEADER_LEN);
	if (r < 0)
		return r;
	if (has_text(b)) {
		m->text = (const char *)buf + PRIVSEP_HEADER_LEN + fixed;
		m->text_len = body - fixed;
		if (b != B_BYTES && memchr(m->text, '\0', m->text_len))
			return -EBADMSG;
		buf[len] = '\0';
	}
	return 0;
}
