/* ctlfmt.c: phcbrokerctl's parsing of replies and pmc-style/JSON output. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctlfmt.h"

static void copy(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "RESPONSE ITEM [SOURCE]" or "ERROR ITEM message". */
static int start_record(struct ctl_reply *out, const char *line, size_t n,
			bool error)
{
	struct ctl_record *rec;
	const char *p = line + (error ? 6 : 9), *end = line + n;
	const char *sp;

	if (out->n >= CTL_MAX_RECORDS)
		return -EBADMSG;
	rec = &out->recs[out->n++];
	memset(rec, 0, sizeof(*rec));
	rec->error = error;
	sp = memchr(p, ' ', (size_t)(end - p));
	copy(rec->item, sizeof(rec->item), p, (size_t)((sp ? sp : end) - p));
	if (!sp)
		return rec->item[0] ? 0 : -EBADMSG;
	if (error)
		copy(rec->message, sizeof(rec->message), sp + 1,
		     (size_t)(end - sp - 1));
	else
		copy(rec->source, sizeof(rec->source), sp + 1,
		     (size_t)(end - sp - 1));
	return rec->item[0] ? 0 : -EBADMSG;
}

static int add_field(struct ctl_reply *out, const char *line, size_t n)
{
	struct ctl_record *rec;
	const char *sp = memchr(line, ' ', n);

	if (out->n == 0 || !sp || sp == line)
		return -EBADMSG;
	rec = &out->recs[out->n - 1];
	if (rec->error || rec->n_fields >= CTL_MAX_FIELDS)
		return -EBADMSG;
	copy(rec->fields[rec->n_fields].key, sizeof(rec->fields[0].key), line,
	     (size_t)(sp - line));
	copy(rec->fields[rec->n_fields].value, sizeof(rec->fields[0].value),
	     sp + 1, n - (size_t)(sp - line) - 1);
	rec->n_fields++;
	return 0;
}

int ctlfmt_parse(const char *text, struct ctl_reply *out)
{
	out->n = 0;
	while (*text) {
		size_t n = strcspn(text, "\n");
		int r;
		if (n >= 9 && strncmp(text, "RESPONSE ", 9) == 0)
			r = start_record(out, text, n, false);
		else if (n >= 6 && strncmp(text, "ERROR ", 6) == 0)
			r = start_record(out, text, n, true);
		else if (n == 0)
			r = 0;
		else
			r = add_field(out, text, n);
		if (r < 0)
			return r;
		text += n;
		if (*text == '\n')
			text++;
	}
	return 0;
}

const char *ctlfmt_get(const struct ctl_record *rec, const char *key)
{
	for (int i = 0; i < rec->n_fields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return rec->fields[i].value;
	return NULL;
}

void ctlfmt_print_pmc(FILE *f, const char *request, const struct ctl_reply *r)
{
	fprintf(f, "sending: %s\n", request);
	for (int i = 0; i < r->n; i++) {
		const struct ctl_record *rec = &r->recs[i];
		if (rec->error) {
			fprintf(f, "\tphcbrokerd ERROR %s\n\t\t%s\n", rec->item,
				rec->message);
			continue;
		}
		fprintf(f, "\tphcbrokerd RESPONSE %s%s%s\n", rec->item,
			rec->source[0] ? " " : "", rec->source);
		for (int k = 0; k < rec->n_fields; k++)
			fprintf(f, "\t\t%-28s %s\n", rec->fields[k].key,
				rec->fields[k].value);
	}
}

void ctlfmt_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A JSON number as strtod and JSON both read it (no inf, nan, hex). */
static bool json_number(const char *s)
{
	const char *p = s;
	char *end;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (const char *q = p; *q; q++)
		if (!strchr("0123456789.eE+-", *q))
			return false;
	strtod(s, &end);
	return *end == '\0';
}

static void json_value(FILE *f, const char *v)
{
	if (strcmp(v, "yes") == 0)
		fputs("true", f);
	else if (strcmp(v, "no") == 0)
		fputs("false", f);
	else if (json_number(v))
		fputs(v, f);
	else
		ctlfmt_json_string(f, v);
}

void ctlfmt_print_json(FILE *f, const char *request, const struct ctl_reply *r)
{
	bool first = true;

	fputs("{\"request\": ", f);
	ctlfmt_json_string(f, request);
	fputs(", \"responses\": [", f);
	for (int i = 0; i < r->n; i++) {
		const struct ctl_record *rec = &r->recs[i];
		if (rec->error)
			continue;
		fputs(first ? "{" : ", {", f);
		first = false;
		fputs("\"item\": ", f);
		ctlfmt_json_string(f, rec->item);
		fputs(", \"source\": ", f);
		if (rec->source[0])
			ctlfmt_json_string(f, rec->source);
		else
			fputs("null", f);
		fputs(", \"fields\": {", f);
		for (int k = 0; k < rec->n_fields; k++) {
			fputs(k ? ", " : "", f);
			ctlfmt_json_string(f, rec->fields[k].key);
			fputs(": ", f);
			json_value(f, rec->fields[k].value);
		}
		fputs("}}", f);
	}
	fputs("], \"errors\": [", f);
	first = true;
	for (int i = 0; i < r->n; i++) {
		const struct ctl_record *rec = &r->recs[i];
		if (!rec->error)
			continue;
		fputs(first ? "{\"item\": " : ", {\"item\": ", f);
		first = false;
		ctlfmt_json_string(f, rec->item);
		fputs(", \"message\": ", f);
		ctlfmt_json_string(f, rec->message);
		fputs("}", f);
	}
	fputs("]}", f);
}

/* ---- the daemon side: request lines ---- */

static bool printable(const char *s)
{
	for (; *s; s++)
		if (!isprint((unsigned char)*s) && *s != '\t')
			return false;
	return true;
}

int control_parse(char *line, const char **action, const char **item,
		  const char **arg)
{
	char *save = NULL, *a, *i, *rest;

	if (!printable(line))
		return -EINVAL;
	a = strtok_r(line, " \t", &save);
	i = strtok_r(NULL, " \t", &save);
	if (!a || !i)
		return -EINVAL;
	rest = strtok_r(NULL, "", &save);
	while (rest && (*rest == ' ' || *rest == '\t'))
		rest++;
	for (char *p = a; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (char *p = i; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	*action = a;
	*item = i;
	*arg = rest ? rest : "";
	return 0;
}
