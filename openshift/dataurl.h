/* dataurl.h: base64 (RFC 4648) and RFC 2397 data URLs of file contents. */
#ifndef PHCB_DATAURL_H
#define PHCB_DATAURL_H

#include <stddef.h>

#include "strbuf.h"

/* The media type and encoding of every data URL written here. */
#define DATAURL_PREFIX "data:text/plain;charset=utf-8;base64,"

/**
 * b64_encoded_len - length of the base64 text of @n bytes, with padding
 * and without a NUL: 4 * ceil(n / 3).
 */
size_t b64_encoded_len(size_t n);

/**
 * b64_encode - encode @n bytes of @in as base64 (the standard alphabet,
 * '=' padding, no line breaks) into @out, which must hold
 * b64_encoded_len(@n) + 1 bytes; @out is NUL-terminated.
 */
void b64_encode(const void *in, size_t n, char *out);

/**
 * b64_decode - decode the @n characters of base64 text @in into @out of
 * @cap bytes. Strict: @n must be a multiple of 4, only the standard
 * alphabet, padding only at the end, and the unused bits of the last
 * group zero (so that every byte string has one encoding).
 * @outlen: the number of bytes decoded, on success.
 * Returns 0, -EINVAL for text that is not canonical base64, or -ENOSPC
 * when @cap is too small.
 */
int b64_decode(const char *in, size_t n, void *out, size_t cap, size_t *outlen);

/**
 * dataurl_append - append to @b the data URL DATAURL_PREFIX followed by
 * the base64 of the @n bytes of @data.
 */
void dataurl_append(struct strbuf *b, const void *data, size_t n);

#endif
