/* strbuf.h: a growable text buffer for the MachineConfig generator. */
#ifndef PHCB_STRBUF_H
#define PHCB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Text built by appending. An allocation failure is remembered: later
 * appends do nothing and strbuf_error() reports it once the text is
 * complete, so callers check once at the end instead of after every call.
 */
struct strbuf {
	char *data;  /* NUL-terminated once anything was appended, or NULL */
	size_t len;  /* bytes of text, without the NUL */
	size_t cap;  /* bytes allocated */
	bool failed; /* an allocation failed: the text is incomplete */
};

/** strbuf_init - an empty buffer (no allocation yet). */
void strbuf_init(struct strbuf *b);

/** strbuf_free - release the text; @b is empty again. */
void strbuf_free(struct strbuf *b);

/** strbuf_add - append @n bytes of @s (which need not be NUL-terminated). */
void strbuf_add(struct strbuf *b, const char *s, size_t n);

/** strbuf_puts - append the string @s. */
void strbuf_puts(struct strbuf *b, const char *s);

/** strbuf_putc - append the character @c. */
void strbuf_putc(struct strbuf *b, char c);

/** strbuf_printf - append printf-formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * strbuf_str - the text so far: "" when nothing was appended (never NULL).
 * Valid until the next append or strbuf_free().
 */
const char *strbuf_str(const struct strbuf *b);

/** strbuf_error - 0, or -ENOMEM when an append could not allocate. */
int strbuf_error(const struct strbuf *b);

#endif
