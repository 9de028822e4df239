// glibc's malloc tuning (mallopt, malloc_trim), which the Glibc module does not import.
#if defined(__linux__) && __has_include(<malloc.h>)
#include <malloc.h>
#endif
