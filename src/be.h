/* be.h: big-endian reads and writes of wire formats (both codecs). */
#ifndef PHCB_BE_H
#define PHCB_BE_H

#include <stdint.h>

/** be_get16 - the big-endian 16-bit value at @p. */
static inline uint16_t be_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/** be_get32 - the big-endian 32-bit value at @p. */
static inline uint32_t be_get32(const uint8_t *p)
{
	return ((uint32_t)be_get16(p) << 16) | be_get16(p + 2);
}

/** be_get64 - the big-endian 64-bit value at @p. */
static inline uint64_t be_get64(const uint8_t *p)
{
	return ((uint64_t)be_get32(p) << 32) | be_get32(p + 4);
}

/** be_put16 - store @v big-endian at @p. */
static inline void be_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/** be_put32 - store @v big-endian at @p. */
static inline void be_put32(uint8_t *p, uint32_t v)
{
	be_put16(p, (uint16_t)(v >> 16));
	be_put16(p + 2, (uint16_t)v);
}

/** be_put64 - store @v big-endian at @p. */
static inline void be_put64(uint8_t *p, uint64_t v)
{
	be_put32(p, (uint32_t)(v >> 32));
	be_put32(p + 4, (uint32_t)v);
}

#endif
