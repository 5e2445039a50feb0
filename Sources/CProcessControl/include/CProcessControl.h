// Process-control calls that Swift cannot import directly: prctl(2) is variadic in glibc, and
// Swift does not import variadic C functions; mallopt(3) (SymLabNumerics.Allocation's heap policy)
// is declared in <malloc.h>, which Swift's Glibc module does not include.
#ifndef SYMLAB_CPROCESSCONTROL_H
#define SYMLAB_CPROCESSCONTROL_H

#if defined(__linux__)
#include <malloc.h>
#endif

/// Asks the kernel to send `signal` to this process when its parent dies (Linux's
/// PR_SET_PDEATHSIG). Returns 0, or -1 with errno set (ENOSYS where the system has no such call).
int symlab_set_parent_death_signal(int signal);

#endif
