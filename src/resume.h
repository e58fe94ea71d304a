/* resume.h: the gates' states one worker hands the next under --privsep,
 * "NAME=STATE:OVERRIDE;NAME=STATE:OVERRIDE" (pure). */
#ifndef PHCB_RESUME_H
#define PHCB_RESUME_H

#include <stddef.h>

#include "gate.h"

/* room for the text: 16 sources, "NAME=HOLDOVER:AUTO;" each, 4x over */
#define RESUME_TEXT_MAX 1024

/**
 * resume_append - add source @name's gate state @st and override @ov to
 * the text in @buf (@len bytes, NUL-terminated, "" to begin).
 * Returns 0, or -ENOSPC (the text left as it was) or -EINVAL for a name
 * that would not read back (empty, or with '=', ':' or ';').
 */
int resume_append(char *buf, size_t len, const char *name, enum gate_state st,
		  enum gate_override ov);

/**
 * resume_find - source @name's state and override in @text.
 * Returns 0, -ENOENT when @text does not name it, -EINVAL when its entry
 * is malformed (an unknown state or override, a missing separator).
 */
int resume_find(const char *text, const char *name, enum gate_state *st,
		enum gate_override *ov);

#endif
