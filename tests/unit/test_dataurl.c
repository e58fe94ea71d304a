/* test_dataurl.c: base64 against RFC 4648's vectors, round trips, strict
 * decoding, and data URLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "dataurl.h"
#include "strbuf.h"

/* RFC 4648, section 10. */
static const struct {
	const char *plain, *b64;
} vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const char *plain = vectors[i].plain, *b64 = vectors[i].b64;
		char enc[16], dec[16];
		size_t n = 99;

		assert_int_equal(b64_encoded_len(strlen(plain)), strlen(b64));
		b64_encode(plain, strlen(plain), enc);
		assert_string_equal(enc, b64);
		assert_int_equal(
		    b64_decode(b64, strlen(b64), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, strlen(plain));
		assert_memory_equal(dec, plain, n);
	}
}

/* Every byte value, at every length up to 300: decode(encode(x)) == x. */
static void test_round_trip_binary(void **state)
{
	unsigned char in[300], out[300];
	char enc[4 * 100 + 1];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(in); len++) {
		size_t n = 0, elen = b64_encoded_len(len);
		b64_encode(in, len, enc);
		assert_int_equal(strlen(enc), elen);
		for (size_t k = 0; k < elen; k++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "abcdefghijklmnopqrstuvwxyz"
					       "0123456789+/=",
					       enc[k]));
		assert_int_equal(b64_decode(enc, elen, out, sizeof(out), &n),
				 0);
		assert_int_equal(n, len);
		assert_memory_equal(out, in, len);
	}
}

/* Both characters beyond the letters and digits: 0xfb 0xff -> "+/8=". */
static void test_alphabet_ends(void **state)
{
	const unsigned char in[] = {0xfb, 0xff};
	char enc[8];

	b64_encode(in, sizeof(in), enc);
	assert_string_equal(enc, "+/8=");
}

static void test_decode_strict(void **state)
{
	static const char *const bad[] = {
	    "Zg=",	/* not a multiple of 4 */
	    "Zh==",	/* unused bits set */
	    "Zm9=",	/* unused bits set */
	    "Z===",	/* padding too early */
	    "====",	/* only padding */
	    "Zg==Zg==", /* padding before the end */
	    "Zm=v",	/* data after padding */
	    "Zm9-",	/* URL-safe alphabet */
	    "Zm9_",	/* URL-safe alphabet */
	    "Zm9\n",	/* line break */
	    "Zm 9",	/* blank */
	};
	char out[16];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    b64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n),
		    -EINVAL);
	/* a NUL inside the text */
	assert_int_equal(b64_decode("Zm\0v", 4, out, sizeof(out), &n), -EINVAL);
	/* too small a buffer */
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 5, &n), -ENOSPC);
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 6, &n), 0);
	assert_int_equal(n, 6);
}

static void test_dataurl(void **state)
{
	static const char text[] = "refclock SOCK /run/chrony.PHC0.sock\n";
	struct strbuf b;
	char dec[64];
	const char *s;
	size_t n;

	strbuf_init(&b);
	dataurl_append(&b, "", 0);
	assert_string_equal(strbuf_str(&b), DATAURL_PREFIX);
	strbuf_free(&b);

	dataurl_append(&b, "foobar", 6);
	assert_string_equal(strbuf_str(&b), "data:text/plain;charset=utf-8;"
					    "base64,Zm9vYmFy");
	strbuf_free(&b);

	dataurl_append(&b, text, strlen(text));
	assert_int_equal(strbuf_error(&b), 0);
	s = strbuf_str(&b);
	assert_memory_equal(s, DATAURL_PREFIX, strlen(DATAURL_PREFIX));
	s += strlen(DATAURL_PREFIX);
	assert_int_equal(b64_decode(s, strlen(s), dec, sizeof(dec), &n), 0);
	assert_int_equal(n, strlen(text));
	assert_memory_equal(dec, text, n);
	strbuf_free(&b);
}

/* Contents longer than one 48-byte chunk encode as one run of base64. */
static void test_dataurl_chunks(void **state)
{
	char text[1000], enc[4 * 334 + 1]; /* the base64 of 1000 bytes */
	struct strbuf b;

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	for (size_t len = 40; len < sizeof(text); len += 41) {
		strbuf_init(&b);
		dataurl_append(&b, text, len);
		b64_encode(text, len, enc);
		assert_int_equal(strbuf_error(&b), 0);
		assert_string_equal(strbuf_str(&b) + strlen(DATAURL_PREFIX),
				    enc);
		strbuf_free(&b);
	}
}

static void test_strbuf(void **state)
{
	struct strbuf b;

	strbuf_init(&b);
	assert_string_equal(strbuf_str(&b), "");
	strbuf_puts(&b, "a");
	strbuf_putc(&b, 'b');
	strbuf_printf(&b, "%d%s", 12, "c");
	strbuf_add(&b, "dxyz", 1);
	assert_string_equal(strbuf_str(&b), "ab12cd");
	assert_int_equal(b.len, 6);
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&b, "%04d", i);
	assert_int_equal(b.len, 6 + 4000);
	assert_int_equal(strbuf_error(&b), 0);
	strbuf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4648_vectors),
	    cmocka_unit_test(test_round_trip_binary),
	    cmocka_unit_test(test_alphabet_ends),
	    cmocka_unit_test(test_decode_strict),
	    cmocka_unit_test(test_dataurl),
	    cmocka_unit_test(test_dataurl_chunks),
	    cmocka_unit_test(test_strbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
