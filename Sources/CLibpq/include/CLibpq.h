// libpq's API (Debian's libpq-dev headers) for the PostgreSQL store, with the library itself loaded
// only when a PostgreSQL directory is opened: an SQLite user neither needs libpq installed nor pays
// for loading it and the 20 libraries it pulls in (Kerberos, LDAP, GnuTLS, …) at every start.
#ifndef GATEHOUSE_CLIBPQ_H
#define GATEHOUSE_CLIBPQ_H

#include <postgresql/libpq-fe.h>

/// Loads libpq (once, thread-safe). Returns 1 when every function Gatehouse calls is there;
/// else 0, with `problem` (if not NULL) pointing at a static description of what failed.
/// Call it before any PQ function: they must not be called when it returned 0.
int gatehouse_libpq_load(const char **problem);

#endif
