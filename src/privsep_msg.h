/* privsep_msg.h: the messages between the privileged parent and the
 * unprivileged worker (doc/design-notes.md, privilege separation): their
 * wire form and its validation (pure). */
#ifndef PHCB_PRIVSEP_MSG_H
#define PHCB_PRIVSEP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRIVSEP_VERSION 1
#define PRIVSEP_HEADER_LEN 12
#define PRIVSEP_TEXT_MAX 65536	/* a configuration file (CONFIG_TEXT_MAX) */
#define PRIVSEP_MSG_MAX (PRIVSEP_HEADER_LEN + 4 + 256 + PRIVSEP_TEXT_MAX)
#define PRIVSEP_PATH_MAX 256
#define PRIVSEP_NAME_MAX 64
#define PRIVSEP_SOURCES_MAX 16	/* CONFIG_MAX_SOURCES */

/* What a message is. Requests come from the worker, answers from the
 * parent with the request's seq; RELOAD and STOP come unasked. */
enum privsep_type {
	PRIVSEP_HELLO = 1,	 /* w: version; answered CONFIG */
	PRIVSEP_CONFIG,		 /* p: generation, path, text of the file */
	PRIVSEP_OPEN_PHC,	 /* w: source */
	PRIVSEP_PHC,		 /* p: path, clock_name, index (+ fd) */
	PRIVSEP_CONNECT_FEED,	 /* w: source */
	PRIVSEP_OPEN_CHRONY,	 /* w: generation */
	PRIVSEP_CONNECT_PTP4L,	 /* w: source, generation (+ its socket) */
	PRIVSEP_OPEN_CONTROL,	 /* w: - */
	PRIVSEP_OPEN_METRICS,	 /* w: - */
	PRIVSEP_OPEN_VMCLOCK,	 /* w: source */
	PRIVSEP_OK,		 /* p: - (+ fd) */
	PRIVSEP_ERR,		 /* p: errno */
	PRIVSEP_OPEN_TEXTFILE,	 /* w: - */
	PRIVSEP_NOTIFY,		 /* w: text for sd_notify */
	PRIVSEP_HEARTBEAT,	 /* w: - */
	PRIVSEP_RELOAD,		 /* w: -; the file again: CONFIG or REFUSED */
	PRIVSEP_STOP,		 /* p: - */
	PRIVSEP_RESUME,		 /* w: the gates' states, for its successor */
	PRIVSEP_COMMIT_TEXTFILE, /* w: commit (1: rename, 0: discard) */
	PRIVSEP_REFUSED,	 /* p: why the file could not be read, a line */
	PRIVSEP_AUDIT_GATHER,	 /* w: -; the host's part of an audit */
	PRIVSEP_AUDIT_HOST,	 /* p: struct audit_host, as bytes */
	PRIVSEP_PROBE_HOST,	 /* w: -; describe the host (hostenv_probe) */
	PRIVSEP_HOST,		 /* p: struct hostenv, as bytes */
	PRIVSEP_OPEN_PTP4L,	 /* w: source, generation: a bound client
				    socket for ptp4l (OK + fd) */
	PRIVSEP_TYPE_END
};

/* One message, decoded. Only the fields of its type are meaningful. */
struct privsep_msg {
	enum privsep_type type;
	uint32_t seq;
	uint32_t version;	       /* HELLO */
	uint32_t source;	       /* OPEN_PHC, CONNECT_FEED, CONNECT_PTP4L,
					  OPEN_VMCLOCK: index, < SOURCES_MAX */
	uint32_t generation;	       /* OPEN_CHRONY, CONNECT_PTP4L,
					  OPEN_PTP4L, CONFIG */
	int32_t error;		       /* ERR: a positive errno */
	uint32_t commit;	       /* COMMIT_TEXTFILE: 1 rename, 0 discard */
	int32_t index;		       /* PHC: N of /dev/ptpN, -1 */
	char path[PRIVSEP_PATH_MAX];   /* CONFIG, PHC */
	char name[PRIVSEP_NAME_MAX];   /* PHC: clock_name */
	const char *text;	       /* CONFIG, REFUSED, NOTIFY, RESUME,
					  AUDIT_HOST, HOST (bytes, NULs
					  allowed):
					  into the decoded buffer,
					  NUL-terminated there */
	size_t text_len;
};

/** privsep_type_name - "HELLO", ..., or "?" for an unknown type. */
const char *privsep_type_name(enum privsep_type t);

/**
 * privsep_carries_fd - whether a message of @t may come with a descriptor
 * (PHC, OK, and CONNECT_PTP4L from the worker), so a receiver closes any
 * other it is sent.
 */
bool privsep_carries_fd(enum privsep_type t);

/**
 * privsep_carries_bytes - whether the text of a message of @t is bytes (a
 * struct of this program, NULs allowed: AUDIT_HOST, HOST) rather than text
 * without NUL.
 */
bool privsep_carries_bytes(enum privsep_type t);

/**
 * privsep_encode - the wire form of @m into @buf (@len bytes).
 * Returns its length, or -EINVAL for a type out of range, an index or
 * error out of range, a path or name without its NUL, or a text longer
 * than PRIVSEP_TEXT_MAX; -ENOSPC when @len is too small.
 */
int privsep_encode(const struct privsep_msg *m, uint8_t *buf, size_t len);

/**
 * privsep_decode - one message from @buf (@len bytes, exactly one
 * message as SOCK_SEQPACKET delivers it). Text fields point into @buf,
 * which must have one byte to spare after @len for their NUL (@cap >
 * @len). Returns 0, or -EBADMSG for a short or inconsistent message (the
 * header's length not @len, a body of the wrong size for its type, a
 * string without NUL), -EPROTO for an unknown type, -ERANGE for a source
 * index or errno out of range.
 */
int privsep_decode(uint8_t *buf, size_t len, size_t cap,
		   struct privsep_msg *m);

#endif
