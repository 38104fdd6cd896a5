// libpq (Debian's libpq-dev) as a Swift module: the PostgreSQL store's client library.
#include <libpq-fe.h>
