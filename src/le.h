/* le.h: little-endian reads and writes (the VMClock page, the privilege
 * separation messages); be.h has the big-endian ones. */
#ifndef PHCB_LE_H
#define PHCB_LE_H

#include <stdint.h>

/** le_get16 - the little-endian 16-bit value at @p. */
static inline uint16_t le_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/** le_get32 - the little-endian 32-bit value at @p. */
static inline uint32_t le_get32(const uint8_t *p)
{
	return le_get16(p) | ((uint32_t)le_get16(p + 2) << 16);
}

/** le_get64 - the little-endian 64-bit value at @p. */
static inline uint64_t le_get64(const uint8_t *p)
{
	return le_get32(p) | ((uint64_t)le_get32(p + 4) << 32);
}

/** le_put16 - store @v little-endian at @p. */
static inline void le_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/** le_put32 - store @v little-endian at @p. */
static inline void le_put32(uint8_t *p, uint32_t v)
{
	le_put16(p, (uint16_t)v);
	le_put16(p + 2, (uint16_t)(v >> 16));
}

#endif
