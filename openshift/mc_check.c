/* mc_check.c: what the MachineConfig generator accepts as option values. */
#include <stdbool.h>
#include <string.h>

#include "mc_check.h"

/* The C locale's classes, spelled out: the checks must not follow a locale. */
static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A printable ASCII character other than the blank. */
static bool is_graph(char c)
{
	return c > ' ' && c < 0x7f;
}

/* @v has only printable ASCII characters other than the blank. */
static bool all_graph(const char *v)
{
	for (; *v; v++)
		if (!is_graph(*v))
			return false;
	return true;
}

/*
 * An RFC 1123 name of at most @max characters: lowercase letters, digits
 * and '-' (and '.' when @dots), beginning and ending with a letter or digit.
 */
static bool dns_name(const char *v, size_t max, bool dots)
{
	size_t n = strlen(v);

	if (n < 1 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		bool edge = i == 0 || i == n - 1;
		if (is_lower(c) || is_digit(c))
			continue;
		if (edge || (c != '-' && !(dots && c == '.')))
			return false;
	}
	return true;
}

const char *mc_check_role(const char *v)
{
	if (!dns_name(v, 63, false))
		return "must be 1 to 63 lowercase letters, digits or '-', "
		       "beginning and ending with a letter or digit (a pool "
		       "name such as master or worker)";
	return NULL;
}

const char *mc_check_name(const char *v)
{
	if (!dns_name(v, 253, true))
		return "must be 1 to 253 lowercase letters, digits, '-' or "
		       "'.', beginning and ending with a letter or digit";
	return NULL;
}

const char *mc_check_refid(const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 4;

	for (size_t i = 0; ok && i < n; i++)
		ok = is_alpha(v[i]) || is_digit(v[i]);
	return ok ? NULL : "must be 1 to 4 letters or digits (a chrony refid)";
}

const char *mc_check_ifname(const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > 15)
		return "must be 1 to 15 characters (an interface name)";
	if (!all_graph(v) || strpbrk(v, "/:#") || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0)
		return "is not an interface name";
	return NULL;
}

/* An absolute path of printable ASCII, no blanks or '#', below @max. */
static const char *check_path(const char *v, size_t max)
{
	if (v[0] != '/')
		return "must be an absolute path";
	if (strlen(v) >= max)
		return max == 108 ? "must be shorter than 108 characters"
				  : "must be shorter than 256 characters";
	if (!all_graph(v) || strchr(v, '#'))
		return "must be printable ASCII without blanks or '#'";
	return NULL;
}

const char *mc_check_device(const char *v)
{
	if (strcmp(v, "auto") == 0)
		return NULL;
	return check_path(v, 256) ? "must be auto or an absolute path of "
				    "printable ASCII without blanks or '#' "
				    "(e.g. /dev/ptp_hyperv)"
				  : NULL;
}

const char *mc_check_socket_path(const char *v)
{
	return check_path(v, 108);
}

const char *mc_check_host(const char *v)
{
	size_t n = strlen(v);

	if (n < 1 || n > 255)
		return "must be 1 to 255 characters (a host name or address)";
	if (!all_graph(v) || strpbrk(v, "\"'`\\#"))
		return "must be a host name or address: no blanks, quotes, "
		       "backslashes, '#' or control characters";
	if (v[0] == '-')
		return "must not begin with '-'";
	return NULL;
}

const char *mc_check_chrony_line(const char *v)
{
	size_t n = strlen(v);
	bool blank = true;

	if (n < 1 || n > 1000)
		return "must be 1 to 1000 characters";
	for (size_t i = 0; i < n; i++) {
		if (v[i] < ' ' || v[i] >= 0x7f)
			return "must be one line of printable ASCII (no line "
			       "breaks, tabs or other control characters)";
		if (v[i] != ' ')
			blank = false;
	}
	return blank ? "must not be blank" : NULL;
}

/* @v is one of the NULL-terminated @words. */
static bool one_of(const char *v, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(v, *words) == 0)
			return true;
	return false;
}

const char *mc_check_gate_mode(const char *v)
{
	static const char *const modes[] = {"auto", "slave", "grandmaster",
					    NULL};

	return one_of(v, modes) ? NULL : "must be auto, slave or grandmaster";
}

const char *mc_check_timescale(const char *v)
{
	static const char *const scales[] = {"utc", "tai", NULL};

	return one_of(v, scales) ? NULL : "must be utc or tai";
}

const char *mc_parse_domain(const char *v, int *out)
{
	int d = 0;

	if (!*v || strlen(v) > 3)
		return "must be a number from 0 to 255";
	for (const char *c = v; *c; c++) {
		if (!is_digit(*c))
			return "must be a number from 0 to 255";
		d = d * 10 + (*c - '0');
	}
	if (d > 255)
		return "must be a number from 0 to 255";
	*out = d;
	return NULL;
}

const char *mc_shown(const char *v, char *buf, size_t len)
{
	size_t max = len >= 68 ? 64 : len - 4, i;

	for (i = 0; i < max && v[i]; i++)
		buf[i] = v[i] >= ' ' && v[i] < 0x7f ? v[i] : '?';
	if (v[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}
