/* dataurl.c: base64 encoding and decoding, and data URLs built from it. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataurl.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void b64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	size_t i = 0, o = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v =
		    (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

/* The 6-bit value of base64 character @c, or -1. */
static int sextet(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

int b64_decode(const char *in, size_t n, void *out, size_t cap, size_t *outlen)
{
	unsigned char *q = out;
	size_t o = 0;

	if (n % 4 != 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 4) {
		bool last = i + 4 == n;
		int pad = 0, s[4];
		uint32_t v = 0;

		for (int k = 0; k < 4; k++) {
			s[k] = sextet(in[i + k]);
			if (s[k] >= 0 && pad == 0)
				continue;
			/* '=' only in the last group, only in its last two
			 * places, and nothing but '=' after the first one */
			if (in[i + k] != '=' || !last || k < 2)
				return -EINVAL;
			pad++;
			s[k] = 0;
		}
		for (int k = 0; k < 4; k++)
			v = v << 6 | (uint32_t)s[k];
		/* the bits the padding leaves over must be zero */
		if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
			return -EINVAL;
		if (cap - o < (size_t)(3 - pad))
			return -ENOSPC;
		q[o++] = (unsigned char)(v >> 16);
		if (pad < 2)
			q[o++] = (unsigned char)(v >> 8);
		if (pad < 1)
			q[o++] = (unsigned char)v;
	}
	*outlen = o;
	return 0;
}

void dataurl_append(struct strbuf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	char chunk[64 + 1]; /* the base64 of 48 bytes */

	strbuf_puts(b, DATAURL_PREFIX);
	for (size_t i = 0; i < n; i += 48) {
		size_t len = n - i < 48 ? n - i : 48;
		b64_encode(p + i, len, chunk);
		strbuf_puts(b, chunk);
	}
}
