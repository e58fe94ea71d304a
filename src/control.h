/* control.h: the control socket phcbrokerctl talks to (server side). */
#ifndef PHCB_CONTROL_H
#define PHCB_CONTROL_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <event2/buffer.h>
#include <event2/event.h>

#define CONTROL_LINE_MAX 256	     /* longest request line */
#define CONTROL_CLIENTS_MAX 32	     /* clients at once; more are refused */
#define CONTROL_ROOT_RESERVED 4	     /* of those, only root (uid 0) may use */
#define CONTROL_CLIENTS_PER_UID 8    /* at once from one non-root uid */
#define CONTROL_IDLE_S 10	     /* dropped: idle, or answers not drained */
#define CONTROL_OUTPUT_HIGH (1 << 16) /* answers queued: stop reading... */
#define CONTROL_OUTPUT_LOW (1 << 14)  /* ...until they drain to this */
#define CONTROL_REQUESTS_PER_READ 8  /* then yield to the event loop */
#define CONTROL_ACCEPTS_PER_TURN 8   /* likewise for new connections */
#define CONTROL_LINGER_S 2	     /* a refused client is then dropped */

/*
 * The protocol, one request a line:
 *   GET ITEM | SET ITEM VALUE
 * answered by records, then "END":
 *   RESPONSE ITEM [SOURCE]     a record, followed by "key value" lines
 *   ERROR ITEM message         a refused or failed request
 *   END
 */

/* Who is asking, from SO_PEERCRED and SO_PEERGROUPS. */
struct control_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool may_get; /* root or a member of the read group */
	bool may_set; /* root or a member of the admin group */
};

/* Which groups may read and which may change settings (root always may). */
struct control_access {
	bool have_read_group;
	gid_t read_group;
	bool have_admin_group;
	gid_t admin_group;
};

/**
 * control_handler_fn - answer one request allowed for @peer.
 * @ctx:     the pointer given to control_open()
 * @action:  "GET" or "SET"
 * @item:    upper-cased item name
 * @arg:     the rest of the line (SET value), "" if none
 * @out:     where the records go (END is added by the caller)
 */
typedef void (*control_handler_fn)(void *ctx, const struct control_peer *peer,
				   const char *action, const char *item,
				   const char *arg, struct evbuffer *out);

struct control;

/**
 * control_bind - the listening socket of control_open(), bound at @path
 * with mode 0600, or 0660 in @acc's read group (given with fchownat(),
 * which needs CAP_CHOWN unless we are a member), through uds_bind().
 * @st: the identity of the socket file, or NULL.
 * Under privilege separation the parent does this (OPEN_CONTROL) and
 * control_open() asks it. Returns the descriptor or -errno.
 */
int control_bind(const char *path, const struct control_access *acc,
		 struct stat *st);

/**
 * control_open - listen on a Unix stream socket at @path.
 * The socket is created mode 0600, or 0660 with group @acc->read_group
 * (see uds_bind(): the directory must be writable by us alone, -EPERM
 * otherwise or when the group cannot be given). A stale socket at @path is
 * replaced; a live one (-EADDRINUSE) or any other file (-EEXIST) is left
 * alone. Returns 0 and sets *@out, or a negative errno.
 */
int control_open(struct event_base *base, const char *path,
		 const struct control_access *acc, control_handler_fn fn,
		 void *ctx, struct control **out);

/** control_close - drop every client, remove the socket. */
void control_close(struct control *c);

/** control_clients - clients connected now. */
int control_clients(const struct control *c);

/**
 * control_refused - connections refused so far: no permission, too many
 * clients, or too many from one uid.
 */
unsigned long control_refused(const struct control *c);

/** control_begin - start a record: "RESPONSE ITEM [SOURCE]". */
void control_begin(struct evbuffer *out, const char *item, const char *source);

/** control_field - one "key value" line of a record. */
void control_field(struct evbuffer *out, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** control_error - "ERROR ITEM message". */
void control_error(struct evbuffer *out, const char *item, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));


#endif
