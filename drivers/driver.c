/* driver.c: names shared by all PHC drivers. */
#include "driver.h"

const char *phc_method_name(enum phc_method m)
{
	switch (m) {
	case PHC_METHOD_PRECISE:
		return "precise";
	case PHC_METHOD_EXTENDED:
		return "extended";
	case PHC_METHOD_BASIC:
		return "basic";
	case PHC_METHOD_SIM:
		return "sim";
	case PHC_METHOD_NONE:
		break;
	}
	return "none";
}
