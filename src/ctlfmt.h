/* ctlfmt.h: phcbrokerctl's parsing of replies and pmc-style/JSON output. */
#ifndef PHCB_CTLFMT_H
#define PHCB_CTLFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CTL_MAX_RECORDS 32
#define CTL_MAX_FIELDS 64

struct ctl_field {
	char key[48];
	char value[208];
};

/* One RESPONSE or ERROR record. */
struct ctl_record {
	bool error;
	char item[32];
	char source[16];   /* "" for daemon-wide records */
	char message[256]; /* error text */
	int n_fields;
	struct ctl_field fields[CTL_MAX_FIELDS];
};

/* Everything the daemon answered to one request. */
struct ctl_reply {
	int n;
	struct ctl_record recs[CTL_MAX_RECORDS];
};

/**
 * ctlfmt_parse - parse the daemon's answer to one request, the lines up to
 * and excluding "END".
 * @text: the lines, NUL-terminated
 * Returns 0, or -EBADMSG for a line that fits no record or too many
 * records or fields.
 */
int ctlfmt_parse(const char *text, struct ctl_reply *out);

/**
 * ctlfmt_get - the value of @key in @rec, or NULL.
 */
const char *ctlfmt_get(const struct ctl_record *rec, const char *key);

/**
 * ctlfmt_print_pmc - print a request and its answer as pmc does:
 * "sending: GET X", then an indented block per record.
 */
void ctlfmt_print_pmc(FILE *f, const char *request, const struct ctl_reply *r);

/**
 * ctlfmt_print_json - print {"request": ..., "responses": [...],
 * "errors": [...]}; numbers become JSON numbers, yes/no booleans.
 */
void ctlfmt_print_json(FILE *f, const char *request, const struct ctl_reply *r);

/** ctlfmt_json_string - print @s as a JSON string literal. */
void ctlfmt_json_string(FILE *f, const char *s);


/**
 * control_parse - split a request line into action, item and argument
 * (in place; the item is upper-cased).
 * Returns 0, or -EINVAL for a malformed line (then *@action etc. are
 * undefined).
 */
int control_parse(char *line, const char **action, const char **item,
		  const char **arg);

#endif
